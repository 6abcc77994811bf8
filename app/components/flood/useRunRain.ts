'use client';
import { skipToken, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { RunRecord } from '../../../models/runs';
import type { ScenarioInput } from '../../../models/scenario';
import { useTRPC } from '../../trpc';
import { rainSeries, type RainSeries } from './hyetograph';

/**
 * The rain of a shown run. A finished run has the exact scenario it ran (scenario.json); a run
 * still going is read from the library entry it started from.
 */
export function useRunRain(run: RunRecord | null): RainSeries | null {
  const trpc = useTRPC();
  const done = run?.status === 'succeeded';
  const file = useQuery({
    queryKey: ['run-scenario', run?.id],
    queryFn: done && run ? async () => {
      const res = await fetch(`/api/runs/${run.id}/files/scenario.json`);
      if (!res.ok) throw new Error(`scenario.json: HTTP ${res.status}`);
      return (await res.json()) as ScenarioInput;
    } : skipToken,
    staleTime: Infinity,
  });
  const lib = useQuery({
    ...trpc.scenario.get.queryOptions(!done && run?.scenarioId ? { id: run.scenarioId } : skipToken),
    retry: false,
  });
  const doc = (done ? file.data : lib.data?.scenario) as ScenarioInput | undefined;
  return useMemo(() => (doc ? rainSeries(doc.rainfall, doc.duration) : null), [doc]);
}
