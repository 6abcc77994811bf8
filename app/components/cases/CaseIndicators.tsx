'use client';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { INDICATOR_GROUPS, type IndicatorGroup } from '../../../models/caseIndicators';
import { useI18n } from '../../i18n';
import { useTRPC } from '../../trpc';

const GROUP_KEY = { department: 'ind.byDepartment', unitGrid: 'ind.byUnitGrid', responsibilityGrid: 'ind.byResponsibilityGrid' } as const;
/** the city's local date (UTC+8, as the case numbers) `days` from today */
const localDay = (days = 0) => new Date(Date.now() + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
const rate = (v: number | null) => (v === null ? '—' : `${v.toFixed(1)} %`);

/** The desk's indicators tab: rates and the department score per group and period, and the CSV. */
export function CaseIndicators({ city }: { city: string }) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const [by, setBy] = useState<IndicatorGroup>('department');
  const [from, setFrom] = useState(() => localDay(-29));
  const [to, setTo] = useState(() => localDay());
  const input = { city, by, from, to };
  const q = useQuery({ ...trpc.case.indicators.queryOptions(input), enabled: from <= to });
  const csv = `/api/cases/indicators.csv?${new URLSearchParams(input).toString()}`;
  return (
    <section className="case-indicators panel" data-testid="case-indicators">
      <div className="row-wrap ind-controls">
        <label className="small">{t('ind.by')}{' '}
          <select data-testid="ind-by" value={by} onChange={(e) => setBy(e.target.value as IndicatorGroup)}>
            {INDICATOR_GROUPS.map((g) => <option key={g} value={g}>{t(GROUP_KEY[g])}</option>)}
          </select>
        </label>
        <label className="small">{t('ind.from')} <input type="date" data-testid="ind-from" value={from} onChange={(e) => setFrom(e.target.value)} /></label>
        <label className="small">{t('ind.to')} <input type="date" data-testid="ind-to" value={to} onChange={(e) => setTo(e.target.value)} /></label>
        <a className="btn" href={csv} download data-testid="ind-csv">{t('ind.csv')}</a>
      </div>
      {q.isError && <p className="error small">{q.error.message}</p>}
      {q.data?.length === 0 && <p className="muted small">{t('ind.empty')}</p>}
      {!!q.data?.length && (
        <table className="ind-table small" data-testid="ind-table">
          <thead>
            <tr>
              <th>{t(GROUP_KEY[by])}</th><th>{t('ind.due')}</th><th>{t('ind.closed')}</th><th>{t('ind.dispatched')}</th>
              <th>{t('ind.closureRate')}</th><th>{t('ind.onTimeClosureRate')}</th><th>{t('ind.onTimeHandlingRate')}</th><th>{t('ind.reworkRate')}</th><th>{t('ind.score')}</th>
            </tr>
          </thead>
          <tbody>
            {q.data.map((r) => (
              <tr key={r.key} data-testid="ind-row" data-key={r.key}>
                <td className={by === 'department' ? '' : 'mono'}>{r.key}</td><td>{r.due}</td><td>{r.closed}</td><td>{r.dispatched}</td>
                <td>{rate(r.closureRate)}</td><td>{rate(r.onTimeClosureRate)}</td><td>{rate(r.onTimeHandlingRate)}</td><td>{rate(r.reworkRate)}</td>
                <td><strong data-testid="ind-score">{r.score?.toFixed(1) ?? '—'}</strong></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="muted small">{t('ind.formula')}</p>
    </section>
  );
}
