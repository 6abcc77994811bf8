'use client';
import { useQuery } from '@tanstack/react-query';
import { useEffect, type ReactNode } from 'react';
import { CLASS_BY_CODE, COMPONENT_CLASSES, COMPONENT_STATES, STATE_CODE } from '../../models/components';
import { FIVE_COLOURS, STATE_COUNT } from '../../models/fiveColour';
import type { TwinEngine } from '../../scene/TwinEngine';
import { useI18n } from '../i18n';
import { useTRPC } from '../trpc';
import { AssetChart } from './flood/AssetChart';
import { HistoryChart } from './HistoryChart';
import { useEngineVersion } from './useEngine';

function Badge({ color, testId, children }: { color: string; testId: string; children: ReactNode }) {
  return (
    <span className="badge" style={{ borderColor: color, color }} data-testid={testId}>
      <span className="swatch" style={{ background: color }} />
      {children}
    </span>
  );
}

function StateBadge({ code }: { code: number }) {
  const { pick } = useI18n();
  const s = COMPONENT_STATES[code] ?? COMPONENT_STATES[0];
  return <Badge color={s.color} testId="state-badge">{pick(s)}</Badge>;
}

/** The loading and error lines of a detail query. */
function QueryStatus({ q }: { q: { isPending: boolean; isError: boolean; error: { message: string } | null } }) {
  const { t } = useI18n();
  if (q.isPending) return <p className="muted">{t('inspector.loading')}</p>;
  if (q.isError) return <p className="error">{t('inspector.error', { message: q.error?.message ?? '' })}</p>;
  return null;
}

function ComponentInspector({ engine, city, index }: { engine: TwinEngine; city: string; index: number }) {
  const { t, pick, num, date } = useI18n();
  const trpc = useTRPC();
  useEngineVersion(engine);
  const q = useQuery(trpc.component.get.queryOptions({ city, index }));
  const liveVersion = engine.selectionLiveVersion;
  const { refetch } = q;
  useEffect(() => {
    if (liveVersion > 0) void refetch();
  }, [liveVersion, refetch]);
  const liveByte = engine.components?.states[index] ?? 0;
  const liveState = liveByte & 0x7f;
  const liveStale = (liveByte & 0x80) !== 0; // models/live.ts STALE_BIT
  const d = q.data;
  const cls = d ? CLASS_BY_CODE.get(d.classCode) : COMPONENT_CLASSES[engine.components?.c.classIndex[index] ?? 0];
  return (
    <div data-testid="inspector-component">
      <p className="kicker">{t('inspector.component')} #{index}</p>
      <h2>{cls ? pick(cls) : '…'}</h2>
      {cls && <p className="muted small">{lang2(cls)}</p>}
      <StateBadge code={liveState} />
      {liveStale && <p className="stale-note" data-testid="stale-note">{t('inspector.staleOne')}</p>}
      <QueryStatus q={q} />
      {d && (
        <>
          <dl className="kv">
            <dt>{t('inspector.code')}</dt>
            <dd className="mono" data-testid="component-code">{d.code}</dd>
            <dt>{t('inspector.classCode')}</dt>
            <dd className="mono">{d.classCode}</dd>
            {d.value !== null && (<><dt>{t('inspector.value')}</dt><dd>{num(d.value, 2)}</dd></>)}
            {d.lastReportAt && (<><dt>{t('inspector.lastReport')}</dt><dd>{date(d.lastReportAt)}</dd></>)}
            <dt>{t('inspector.dataSource')}</dt>
            <dd data-testid="data-source" data-source={d.dataSource} className={d.dataSource === 'simulated' ? 'muted' : undefined}>
              {t(`inspector.source.${d.dataSource}`)}
            </dd>
            <dt>{t('inspector.owner')}</dt>
            <dd>{pick(d.ownerDept)}</dd>
            <dt>{t('inspector.maintainer')}</dt>
            <dd>{pick(d.maintainerDept)}</dd>
            <dt>{t('inspector.unitGrid')}</dt>
            <dd className="mono" data-testid="component-grid">{d.unitGridCode}</dd>
            <dt>{t('inspector.responsibilityGrid')}</dt>
            <dd className="mono">{d.responsibilityGridCode}</dd>
            <dt>{t('inspector.position')}</dt>
            <dd className="mono">{d.lonDeg.toFixed(6)}°E<br />{d.latDeg.toFixed(6)}°N</dd>
            <dt>{t('inspector.local')}</dt>
            <dd className="mono">x {d.x.toFixed(1)} y {d.y.toFixed(1)} z {t('unit.m', { value: d.z.toFixed(1) })}</dd>
          </dl>
          <HistoryChart city={city} index={index} />
          <h3>{t('inspector.history')}</h3>
          {d.history.length === 0 ? (
            <p className="muted small">{t('inspector.noHistory')}</p>
          ) : (
            <ol className="history compact" data-testid="history">
              {d.history.map((h, k) => (
                <li key={k}>
                  <StateBadge code={STATE_CODE[h.state]} />
                  <span className="muted small">{date(h.at)}</span>
                  {h.value !== null && <span className="small">{num(h.value, 2)}</span>}
                  <span className="muted small">{h.source}</span>
                </li>
              ))}
            </ol>
          )}
          <button type="button" className="btn" onClick={() => engine.flyToComponent(index, 45)}>{t('inspector.fly')}</button>
        </>
      )}
    </div>
  );

  function lang2(c: { zh: string; en: string }) {
    // the other language's name, so both are on screen (planners quote both)
    return pick({ zh: c.en, en: c.zh });
  }
}

function GridInspector({ engine, city, index }: { engine: TwinEngine; city: string; index: number }) {
  const { t, pick, num } = useI18n();
  const trpc = useTRPC();
  useEngineVersion(engine);
  const q = useQuery({ ...trpc.grid.get.queryOptions({ city, index }), refetchInterval: 5000 });
  const d = q.data;
  const level = engine.gridLevel(index);
  const five = FIVE_COLOURS[level]!;
  const live = engine.gridCounts(index);
  // the last column is the stale count (models/live.ts ROLLUP_COLUMNS), not a state
  const total = live ? live.subarray(0, STATE_COUNT).reduce((a, b) => a + b, 0) : 0;
  const stale = live?.[STATE_COUNT] ?? 0;
  return (
    <div data-testid="inspector-grid">
      <p className="kicker">{t('inspector.grid')} #{index}</p>
      <h2 className="mono" data-testid="grid-code">{d?.code ?? '…'}</h2>
      <Badge color={five.color} testId="grid-risk">{t('inspector.risk')}: {pick(five)}</Badge>
      <QueryStatus q={q} />
      {d && (
        <dl className="kv">
          <dt>{t('inspector.responsibilityGrid')}</dt>
          <dd><span className="mono" data-testid="grid-responsibility">{d.responsibilityGrid.code}</span><br />{pick(d.responsibilityGrid.name)}</dd>
          <dt>{t('inspector.area')}</dt>
          <dd>{t('unit.m2', { value: num(d.areaM2) })}</dd>
          <dt>{t('inspector.buildings')}</dt>
          <dd>{num(d.buildings)}</dd>
        </dl>
      )}
      <h3>{t('inspector.countsByState')}</h3>
      <table className="counts-table" data-testid="grid-counts">
        <tbody>
          {COMPONENT_STATES.map((s) => {
            const n = live?.[s.code] ?? 0;
            if (n === 0 && s.code !== 0) return null;
            return (
              <tr key={s.key}>
                <td><span className="swatch" style={{ background: s.color }} /> {pick(s)}</td>
                <td className="num" data-testid={`grid-count-${s.key}`}>{num(n)}</td>
                <td className="bar"><span style={{ width: `${total ? (100 * n) / total : 0}%`, background: s.color }} /></td>
              </tr>
            );
          })}
          {stale > 0 && (
            <tr className="stale">
              <td><span className="swatch stale" /> {t('inspector.stale')}</td>
              <td className="num" data-testid="grid-count-stale">{num(stale)}</td>
              <td className="bar"><span style={{ width: `${total ? (100 * stale) / total : 0}%`, background: '#8a8f98' }} /></td>
            </tr>
          )}
          <tr className="total"><td>{t('inspector.total')}</td><td className="num" data-testid="grid-count-total">{num(total)}</td><td /></tr>
        </tbody>
      </table>
      {d && (
        <>
          <h3>{t('inspector.countsByClass')}</h3>
          <ul className="legend classes compact">
            {Object.entries(d.countsByClass).filter(([, n]) => n > 0).map(([code, n]) => {
              const c = CLASS_BY_CODE.get(code);
              return (<li key={code}><span className="name">{c ? pick(c) : code}</span><span className="count">{num(n)}</span></li>);
            })}
          </ul>
        </>
      )}
    </div>
  );
}

/** Selections the inspector knows (the scene adds buildings and ground points for the flood). */
type AnySelection = { kind: 'component' | 'grid' | 'building'; index: number } | { kind: 'point'; x: number; y: number };

/** A building or a ground point: where it is; its depth over time is the asset chart above. */
function PlaceInspector({ sel }: { sel: AnySelection }) {
  const { t } = useI18n();
  return (
    <div data-testid={`inspector-${sel.kind}`}>
      <p className="kicker">{sel.kind === 'building' ? `${t('inspector.building')} #${sel.index}` : t('inspector.point')}</p>
      {sel.kind === 'point' && <h2 className="mono">x {sel.x.toFixed(1)} · y {sel.y.toFixed(1)}</h2>}
      {sel.kind === 'building' && <h2>{t('inspector.building')} #{sel.index}</h2>}
    </div>
  );
}

export function Inspector({ engine, city }: { engine: TwinEngine | null; city: string }) {
  const { t } = useI18n();
  useEngineVersion(engine);
  const sel = engine?.selection as AnySelection | null | undefined;
  if (!engine || !sel) return null;
  return (
    <aside className="panel inspector" data-testid="inspector">
      <button type="button" className="close" aria-label={t('inspector.close')} onClick={() => engine.select(null)}>×</button>
      {/* during and after a run the depth here comes first: it is what the planner clicked for */}
      <AssetChart engine={engine} />
      {sel.kind === 'component' && <ComponentInspector key={`c${sel.index}`} engine={engine} city={city} index={sel.index} />}
      {sel.kind === 'grid' && <GridInspector key={`g${sel.index}`} engine={engine} city={city} index={sel.index} />}
      {(sel.kind === 'building' || sel.kind === 'point') && <PlaceInspector sel={sel} />}
    </aside>
  );
}
