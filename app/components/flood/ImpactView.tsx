'use client';
import { useMemo, useState } from 'react';
import { BUILDING_USES } from '../../../models/layers';
import type { ImpactResult } from '../../../models/runs';
import { useI18n } from '../../i18n';
import type { MessageKey } from '../../i18n/zh';
import { clock, clockHm } from './format';
import { useCityNames } from './useCityNames';
import { IMPACT_KINDS, impactRows, sortRows, type ImpactKind, type ImpactTarget, type SortCol } from './impactRows';

const KIND_KEY: Record<ImpactKind, MessageKey> = {
  pronePoints: 'impact.pronePoints', roadSegments: 'impact.roadSegments', buildings: 'impact.buildings', components: 'impact.components', unitGrids: 'impact.unitGrids',
};
const THRESHOLDS = [0.15, 0.2, 0.27] as const;
const PAGE = 150;

/** Counts, a tab per kind, a threshold filter and a sortable table whose rows fly to the place. */
export function ImpactView({ city, impact, onRow }: { city: string; impact: ImpactResult; onRow(t: ImpactTarget): void }) {
  const { t, pick, num, lang } = useI18n();
  const names = useCityNames(city, lang !== 'zh');
  const [kind, setKind] = useState<ImpactKind>('pronePoints');
  const [minDepth, setMinDepth] = useState<number>(0.15);
  const [sort, setSort] = useState<{ col: SortCol; dir: 1 | -1 }>({ col: 'over15cm_s', dir: 1 });
  const [limit, setLimit] = useState(PAGE);
  const [active, setActive] = useState<string | null>(null);
  const rows = useMemo(() => {
    const all = impactRows(impact, kind, pick, {
      building: (id, use) => `${t('impact.building')} #${id} · ${(BUILDING_USES as readonly string[]).includes(use) ? t(`use.${use}` as MessageKey) : use}`,
      segment: (n) => t('impact.segment', { n: n + 1 }), closed: t('impact.closed'),
    }, lang === 'zh' ? null : names);
    return sortRows(all.filter((r) => r.maxDepth_m >= minDepth), sort.col, sort.dir);
  }, [impact, kind, pick, t, minDepth, sort, names, lang]);
  const c = impact.counts;
  const head = (col: SortCol, label: string) => (
    <th aria-sort={sort.col === col ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none'}>
      <button type="button" data-testid={`impact-sort-${col}`} onClick={() => setSort((s) => ({ col, dir: s.col === col ? (-s.dir as 1 | -1) : col === 'maxDepth_m' ? -1 : 1 }))}>
        {label}{sort.col === col ? (sort.dir === 1 ? ' ▲' : ' ▼') : ''}
      </button>
    </th>
  );
  return (
    <div className="impact-view">
      <dl className="impact-counts" data-testid="impact-counts">
        <div><dt>{t('impact.pronePoints')}</dt><dd>{num(c.pronePoints)}</dd></div>
        <div><dt>{t('impact.roadSegments')}</dt><dd>{num(c.roadSegments)}<small className="closed">{t('impact.closedN', { n: num(c.roadSegmentsClosed) })}</small></dd></div>
        <div><dt>{t('impact.buildings')}</dt><dd>{num(c.buildings)}</dd></div>
        <div><dt>{t('impact.components')}</dt><dd>{num(c.components)}</dd></div>
        <div><dt>{t('impact.unitGrids')}</dt><dd>{num(c.unitGrids)}</dd></div>
      </dl>
      <div className="tabs" role="tablist">
        {IMPACT_KINDS.map((k) => (
          <button key={k} type="button" role="tab" aria-selected={kind === k} className={kind === k ? 'on' : ''} data-testid={`impact-kind-${k}`}
            onClick={() => { setKind(k); setLimit(PAGE); }}>
            {t(KIND_KEY[k])} <span className="n">{impact[k].length}</span>
          </button>
        ))}
      </div>
      <div className="impact-filter">
        <label>
          {t('impact.filter')}{' '}
          <select data-testid="impact-threshold" value={minDepth} onChange={(e) => setMinDepth(Number(e.target.value))}>
            {THRESHOLDS.map((v) => <option key={v} value={v}>≥ {Math.round(v * 100)} cm</option>)}
          </select>
        </label>
        <span className="muted small">{t('impact.shown', { n: num(Math.min(limit, rows.length)), total: num(rows.length) })}</span>
      </div>
      <table className="impact-table">
        <thead>
          <tr>
            {head('name', t('impact.colName'))}
            {head('maxDepth_m', t('impact.colMax'))}
            {head('over15cm_s', '15')}
            {head('over20cm_s', '20')}
            {head('over27cm_s', '27')}
          </tr>
        </thead>
        <tbody>
          {rows.slice(0, limit).map((r) => (
            <tr key={r.key} data-testid="impact-row" className={active === r.key ? 'on' : ''} tabIndex={0}
              onClick={() => { setActive(r.key); onRow(r.target); }}
              onKeyDown={(e) => { if (e.key === 'Enter') { setActive(r.key); onRow(r.target); } }}>
              <td className="name" title={`${r.name} · ${r.sub}`}><span>{r.name}</span><small className="muted">{r.sub}</small></td>
              <td className="num">{num(r.maxDepth_m * 100, 0)}</td>
              <Time s={r.over15cm_s} />
              <Time s={r.over20cm_s} />
              <Time s={r.over27cm_s} />
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && <p className="muted small">{t('impact.none')}</p>}
      {rows.length > limit && <button type="button" className="btn small" onClick={() => setLimit((l) => l + PAGE)}>{t('impact.more')}</button>}
      <p className="muted small">{t('impact.colsNote')}</p>
    </div>
  );
}

/** A threshold time in the table: h:mm fits the column, the seconds are in the tooltip. */
function Time({ s }: { s: number | null }) {
  return <td className="num mono" title={s === null ? undefined : clock(s)}>{s === null ? '–' : clockHm(s)}</td>;
}
