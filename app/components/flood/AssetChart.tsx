'use client';
import { useMemo } from 'react';
import { FLOOD_DEPTH_CLASSES } from '../../../models/floodDepth';
import type { TwinEngine } from '../../../scene/TwinEngine';
import { useI18n } from '../../i18n';
import { useEngineSelector } from '../useEngine';
import { Chart } from './Chart';
import { clock, or0 } from './format';

const LEVELS = [0.15, 0.2, 0.27].map((m) => ({ m, color: FLOOD_DEPTH_CLASSES.find((c) => c.fromM === m)!.color }));

/**
 * Depth over time at the selected thing's point, from the shown run's frames: the 15/20/27 cm
 * lines, when each was first crossed, and the depth at the shown time. Recomputed when a frame
 * arrives or the selection moves, never per animation frame.
 */
export function AssetChart({ engine }: { engine: TwinEngine }) {
  const { t, num } = useI18n();
  const frames = useEngineSelector(engine, (e) => e.flood?.times().length ?? 0) ?? 0;
  const at = useEngineSelector(engine, (e) => {
    const p = e.selectionPoint();
    return p ? `${p.x},${p.y}` : null;
  });
  const time = useEngineSelector(engine, (e) => or0(e.flood?.time())) ?? 0;
  const series = useMemo(() => {
    const flood = engine?.flood;
    if (!flood || !at || frames === 0) return null;
    const [x, y] = at.split(',').map(Number);
    const s = flood.seriesAt(x!, y!);
    const firsts = LEVELS.map((l) => {
      const k = s.depthM.findIndex((d) => d >= l.m);
      return k < 0 ? null : s.t[k]!;
    });
    return { ...s, x: x!, y: y!, max: Math.max(0, ...s.depthM.filter(Number.isFinite)), firsts };
  }, [engine, at, frames]);
  const nowDepth = useEngineSelector(engine, (e) => (series ? e.flood?.depthAt(series.x, series.y) ?? NaN : NaN));
  if (!series) return null;
  const xMax = Math.max(series.t.at(-1) ?? 0, 1);
  return (
    <div className="asset-chart" data-testid="asset-chart" data-max-cm={Math.round(series.max * 100)}>
      <h3>{t('asset.title')}</h3>
      <p className="small">
        {t('asset.now', { t: clock(time), cm: nowDepth !== undefined && Number.isFinite(nowDepth) ? num(nowDepth * 100, 1) : '–' })}
        {' · '}{t('asset.max', { cm: num(series.max * 100, 1) })}
      </p>
      <Chart label={t('asset.aria')} xMax={xMax} yMax={Math.max(30, series.max * 100 * 1.1)} yFormat={(v) => num(v)} cursor={time} height={80}
        levels={LEVELS.map((l) => ({ y: l.m * 100, color: l.color, label: `${Math.round(l.m * 100)} cm` }))}
        marks={series.firsts.flatMap((f, k) => (f === null ? [] : [{ x: f, color: LEVELS[k]!.color }]))}
        lines={[{ xs: series.t, ys: series.depthM.map((d) => (Number.isFinite(d) ? d * 100 : 0)), color: '#66e0ff' }]} />
      <ul className="crossings small">
        {LEVELS.map((l, k) => (
          <li key={l.m}>
            <span className="swatch" style={{ background: l.color }} /> {t('asset.over', { cm: Math.round(l.m * 100) })}
            <span className="mono">{series.firsts[k] === null ? t('asset.never') : clock(series.firsts[k]!)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
