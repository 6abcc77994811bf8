'use client';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import type { CaseRecord } from '../../../models/caseApi';
import { useI18n } from '../../i18n';
import { useTRPC } from '../../trpc';
import { trpcErrorText } from '../trpcError';

/**
 * Bulk dispatch (the dispatcher's desk): the picked cases go to one department in one
 * transaction (case.dispatchMany); each refused one is listed with the reason.
 */
export function BulkDispatch({ picked, onDone }: { picked: readonly CaseRecord[]; onDone: () => void }) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const [department, setDepartment] = useState('');
  const run = useMutation(trpc.case.dispatchMany.mutationOptions({ onSuccess: () => onDone() }));
  const n = picked.length;
  return (
    <div className="bulk-bar" data-testid="bulk-dispatch">
      <strong className="small">{t('desk.bulkTitle', { n })}</strong>
      <div className="row-wrap">
        <input aria-label={t('cases.deptFor')} placeholder={t('cases.deptFor')} data-testid="bulk-department" value={department} onChange={(e) => setDepartment(e.target.value)} />
        <button type="button" className="btn primary" data-testid="bulk-go" disabled={!n || !department.trim() || run.isPending}
          onClick={() => run.mutate({ items: picked.map((c) => ({ id: c.id, version: c.version })), department: department.trim() })}>
          {t('desk.bulkGo', { n })}
        </button>
      </div>
      {run.isError && <p className="error small" role="alert">{t('cases.refused', { message: trpcErrorText(run.error) })}</p>}
      {run.data && (
        <div className="small" data-testid="bulk-result">
          <p>{t('desk.bulkDone', { n: run.data.dispatched.length })}</p>
          <ul className="bulk-refused">
            {run.data.refused.map((r) => <li key={r.id} className="error" data-testid="bulk-refused">{t('desk.bulkRefused', { number: r.number ?? r.id, reason: r.reason })}</li>)}
          </ul>
        </div>
      )}
    </div>
  );
}
