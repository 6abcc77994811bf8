'use client';
import { skipToken, useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import type { ImpactDiffRow, RunCompare } from '../../../models/runCompare';
import type { RunRecord } from '../../../models/runs';
import type { CompareLayer } from '../../../scene/compare/compareLayer';
import { BETTER_RGB, decodeDiff, DIFF_STEPS, WORSE_RGB } from '../../../scene/compare/diffColours';
import type { TwinEngine } from '../../../scene/TwinEngine';
import { useI18n } from '../../i18n';
import type { MessageKey } from '../../i18n/zh';
import { useTRPC } from '../../trpc';
import type { ImpactTarget } from './impactRows';
import { useCityNames } from './useCityNames';
import { useImpactActions } from './useImpactActions';
import { COMPARE_VIEWS } from '../../../models/viewState';
import { useWorkspaceView } from '../share/workspaceView';

type Side = 'worse' | 'better';
const SIDE: Record<Side, ImpactDiffRow['change'][]> = { worse: ['newlyFlooded', 'worse'], better: ['noLongerFlooded', 'better'] };
const PAGE = 100;

function targetOf(r: ImpactDiffRow): ImpactTarget {
  switch (r.kind) {
    case 'pronePoint': return { kind: 'point', x: r.x, y: r.y };
    case 'roadSegment': return r.line ? { kind: 'segment', from: r.line[0], to: r.line[1] } : { kind: 'point', x: r.x, y: r.y };
    case 'building': return { kind: 'building', index: Number(r.id) };
    case 'component': return { kind: 'component', code: r.id, x: r.x, y: r.y };
    case 'unitGrid': return { kind: 'grid', code: r.id };
  }
}

const rgb = (c: readonly number[]) => `rgb(${c.join(',')})`;

/**
 * This run (B) against another finished run of the city (A, e.g. without the wall): the
 * difference map on the terrain (scene/compare), areas and closed roads side by side, and the
 * assets that got worse or better; a row flies to its place.
 */
export function ComparePanel({ city, engine, run, active }: { city: string; engine: TwinEngine | null; run: RunRecord; active: boolean }) {
  const { t, pick, lang } = useI18n();
  const trpc = useTRPC();
  const runs = useQuery(trpc.run.list.queryOptions({ city }));
  const others = useMemo(() => (runs.data ?? []).filter((r) => r.status === 'succeeded' && r.id !== run.id), [runs.data, run.id]);
  // the compared run and how it is shown live in the workspace view (the share link holds them)
  const ws = useWorkspaceView();
  const wsSet = ws.set;
  const picked = ws.view.compare && others.some((r) => r.id === ws.view.compare) ? ws.view.compare : null;
  const setPicked = (id: string) => wsSet({ compare: id });
  // default: the newest finished run of another scenario (the baseline), else any other
  const a = picked ?? (others.find((r) => r.scenarioId !== run.scenarioId) ?? others[0])?.id ?? null;
  const mode = ws.view.compareView;
  useEffect(() => { wsSet(active && a ? { compare: a, compareOpen: true } : { compareOpen: false }); }, [active, a, wsSet]);
  const input = active && a ? { a, b: run.id } : skipToken;
  const cmp = useQuery({ ...trpc.run.compare.queryOptions(input), staleTime: Infinity });
  const [mapOn, setMapOn] = useState(true);
  const grid = useQuery({ ...trpc.run.compareGrid.queryOptions(active && mapOn && a ? { a, b: run.id } : skipToken), staleTime: Infinity });
  const names = useCityNames(city, lang !== 'zh');
  const onRow = useImpactActions(city, engine);

  useEffect(() => {
    const layer = engine?.layer<CompareLayer>('compare');
    if (!layer) return;
    if (active && mapOn && mode === 'diff' && grid.data) layer.api.show(grid.data.grid, decodeDiff(grid.data.diffMm));
    else layer.api.show(null);
  }, [engine, active, mapOn, mode, grid.data]);
  useEffect(() => () => engine?.layer<CompareLayer>('compare')?.api.show(null), [engine]);

  if (runs.data && !others.length) return <p className="muted small" data-testid="compare-none">{t('compare.none')}</p>;
  return (
    <div className="compare-view" data-testid="compare-view">
      <label className="compare-pick">
        <span className="muted small">{t('compare.this')}: {run.scenarioName} · {t('compare.against')}</span>
        <select data-testid="compare-baseline" value={a ?? ''} onChange={(e) => setPicked(e.target.value)}>
          {others.map((r) => <option key={r.id} value={r.id}>{r.scenarioName} · {r.finishedAt?.slice(11, 16)} · {r.id.slice(0, 6)}</option>)}
        </select>
      </label>
      <div className="compare-modes" role="group" aria-label={t('cmpview.label')}>
        <span className="muted small">{t('cmpview.label')}</span>
        {COMPARE_VIEWS.map((m) => (
          <button key={m} type="button" className={`btn small${mode === m ? ' on' : ''}`} aria-pressed={mode === m} data-testid={`compare-mode-${m}`} onClick={() => wsSet({ compareView: m })}>{t(`cmpview.${m}`)}</button>
        ))}
      </div>
      {a && <a className="btn small report-link" data-testid="report-compare" href={`/api/runs/${run.id}/report.pdf?lang=${lang}&against=${a}`} download title={t('report.pdfTitle')}>⤓ {t('report.compare')}</a>}
      {mode === 'diff' && (
        <label className="compare-map">
          <input type="checkbox" data-testid="compare-map" checked={mapOn} onChange={(e) => setMapOn(e.target.checked)} /> {t('compare.map')}
        </label>
      )}
      {mode === 'diff' && (
        <div className="compare-legend small" data-testid="compare-legend">
          <span><i style={{ background: rgb(WORSE_RGB) }} />{t('compare.legendWorse')}</span>
          <span><i style={{ background: rgb(BETTER_RGB) }} />{t('compare.legendBetter')}</span>
          <span className="muted">{t('compare.legendNeutral', { cm: DIFF_STEPS[0] * 100 })}</span>
        </div>
      )}
      {cmp.isPending && a && <p className="muted small">{t('compare.loading')}</p>}
      {cmp.isError && <p className="error small">{cmp.error.message}</p>}
      {cmp.data && <CompareBody data={cmp.data} onRow={(x) => void onRow(targetOf(x)).catch(() => undefined)}
        name={(r) => (r.kind === 'pronePoint' && names?.prone(r.id) ? pick(names.prone(r.id)!) : r.kind === 'roadSegment' && names?.road(Number(r.id.split('-')[0])) ? pick(names.road(Number(r.id.split('-')[0]))!) : r.name)} />}
    </div>
  );
}

function CompareBody({ data, onRow, name }: { data: RunCompare; onRow(r: ImpactDiffRow): void; name(r: ImpactDiffRow): string }) {
  const { t, num } = useI18n();
  const [side, setSide] = useState<Side>('better');
  const [limit, setLimit] = useState(PAGE);
  const [on, setOn] = useState<string | null>(null);
  const rows = useMemo(() => data.rows.filter((r) => SIDE[side].includes(r.change)), [data, side]);
  const ha = (m2: number) => num(m2 / 10_000, 2);
  const delta = (b: number, a: number, f: (v: number) => string) => `${b - a > 0 ? '+' : ''}${f(b - a)}`;
  const count = (s: Side) => SIDE[s].reduce((n, c) => n + (data.counts[c] ?? 0), 0);
  return (
    <>
      {!data.sameGrid && <p className="muted small">{t('compare.coarse')}</p>}
      <table className="impact-table compare-sum" data-testid="compare-summary">
        <thead><tr><th>{t('compare.metric')}</th><th>A</th><th>B</th><th>Δ</th></tr></thead>
        <tbody>
          {([['over15cm', 15], ['over20cm', 20], ['over27cm', 27]] as const).map(([k, cm]) => (
            <tr key={k}><td>{t('compare.area', { cm })}</td><td className="num">{ha(data.area.a[k])}</td><td className="num">{ha(data.area.b[k])}</td>
              <td className="num">{delta(data.area.b[k], data.area.a[k], ha)}</td></tr>
          ))}
          <tr><td>{t('compare.roadsClosed')}</td><td className="num">{num(data.roadsClosed.a)}</td><td className="num">{num(data.roadsClosed.b)}</td>
            <td className="num">{delta(data.roadsClosed.b, data.roadsClosed.a, (v) => num(v))}</td></tr>
        </tbody>
      </table>
      <p className="muted small">{t('compare.cellsWorse', { a: ha(data.cells.worse_m2), b: ha(data.cells.better_m2) })}</p>
      <div className="tabs" role="tablist">
        {(['better', 'worse'] as const).map((s) => (
          <button key={s} type="button" role="tab" aria-selected={side === s} className={side === s ? 'on' : ''} data-testid={`compare-side-${s}`} onClick={() => { setSide(s); setLimit(PAGE); }}>
            {t(s === 'worse' ? 'compare.worse' : 'compare.better')} <span className="n">{count(s)}</span>
          </button>
        ))}
      </div>
      <table className="impact-table" data-testid={`compare-list-${side}`}>
        <thead><tr><th>{t('impact.colName')}</th><th>{t('compare.colA')}</th><th>{t('compare.colB')}</th><th>{t('compare.colDelta')}</th><th>{t('compare.colT15')}</th></tr></thead>
        <tbody>
          {rows.slice(0, limit).map((r) => {
            const key = `${r.kind}:${r.id}`;
            const go = () => { setOn(key); onRow(r); };
            const ta = r.overA_s[0], tb = r.overB_s[0];
            const shift = ta !== null && tb !== null && Math.round((tb - ta) / 60) !== 0
              ? t(tb < ta ? 'compare.earlier' : 'compare.later', { m: Math.abs(Math.round((tb - ta) / 60)) }) : '';
            const sub = r.change === 'newlyFlooded' ? t('compare.newly') : r.change === 'noLongerFlooded' ? t('compare.noLonger') : '';
            return (
              <tr key={key} data-testid="compare-row" data-kind={r.kind} data-id={r.id} className={on === key ? 'on' : ''} tabIndex={0} onClick={go} onKeyDown={(e) => { if (e.key === 'Enter') go(); }}>
                <td className="name" title={`${name(r)} · ${r.id}`}><span>{name(r)}</span><small className="muted">{t(`kind.${r.kind}` as MessageKey)} · {r.id}{sub ? ` · ${sub}` : ''}</small></td>
                <td className="num">{r.maxDepthA_m === null ? '<15' : num(r.maxDepthA_m * 100, 0)}</td>
                <td className="num">{r.maxDepthB_m === null ? '<15' : num(r.maxDepthB_m * 100, 0)}</td>
                <td className="num">{r.deltaMaxDepth_m === null ? '–' : `${r.deltaMaxDepth_m > 0 ? '+' : ''}${num(r.deltaMaxDepth_m * 100, 0)}`}</td>
                <td className="small">{shift || '–'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {rows.length === 0 && <p className="muted small">{t('compare.empty')}</p>}
      {rows.length > limit && <button type="button" className="btn small" onClick={() => setLimit((l) => l + PAGE)}>{t('impact.more')}</button>}
    </>
  );
}
