'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useI18n } from '../../i18n';
import { useTRPC } from '../../trpc';

/** The scenario's setting: its succeeded runs open warning cases for the unit grids of prone points over 27 cm (planners). */
export function FloodWarningToggle({ scenarioId }: { scenarioId: string }) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const key = { scenarioId };
  const q = useQuery(trpc.case.floodWarnings.queryOptions(key));
  const set = useMutation(trpc.case.setFloodWarnings.mutationOptions({ onSuccess: (d) => qc.setQueryData(trpc.case.floodWarnings.queryKey(key), d) }));
  return (
    <label className="small flood-warning-toggle" title={t('flood.warningCasesHint')}>
      <input type="checkbox" data-testid="flood-warning-cases" checked={q.data?.on ?? false} disabled={!q.data || set.isPending}
        onChange={(e) => set.mutate({ scenarioId, on: e.target.checked })} /> {t('flood.warningCases')}
      {set.isError && <span className="error"> {set.error.message}</span>}
    </label>
  );
}
