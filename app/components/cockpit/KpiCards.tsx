'use client';
import type { CockpitSummary } from '../../../models/cockpit';
import type { MessageKey } from '../../i18n';
import type { CockpitText } from './useCockpitSummary';

/** One vital sign: its reading now (null: unknown), how it reads, and when it is bad news. */
export interface KpiCard {
  id: string;
  label: MessageKey;
  value(s: CockpitSummary): number | null;
  unit?: 'pct' | 'count' | 'mmh';
  /** the line under the value */
  sub?(s: CockpitSummary, x: CockpitText): string;
  /** red when true */
  alert?(v: number): boolean;
}

const pct = (n: number, d: number) => (d > 0 ? (100 * n) / d : null);
const c = (s: CockpitSummary) => s.components;

/** The cards, in reading order: adding a vital sign is one line here. */
export const KPI_CARDS: KpiCard[] = [
  { id: 'online', label: 'cockpit.kpi.online', unit: 'pct', value: (s) => pct(c(s).online, c(s).total), sub: (s, x) => `${x.num(c(s).online)} / ${x.num(c(s).total)}`, alert: (v) => v < 90 },
  { id: 'intact', label: 'cockpit.kpi.intact', unit: 'pct', value: (s) => pct(c(s).intact, c(s).total), sub: (s, x) => `${x.num(c(s).intact)} / ${x.num(c(s).total)}`, alert: (v) => v < 90 },
  { id: 'alarms', label: 'cockpit.kpi.alarms', unit: 'count', value: (s) => c(s).alarm, sub: (s, x) => x.t('cockpit.kpi.warnings', { n: x.num(c(s).warning) }), alert: (v) => v > 0 },
  { id: 'open', label: 'cockpit.kpi.open', unit: 'count', value: (s) => s.cases?.open ?? null },
  { id: 'overdue', label: 'cockpit.kpi.overdue', unit: 'count', value: (s) => s.cases?.overdue ?? null, alert: (v) => v > 0 },
  { id: 'todayClosure', label: 'cockpit.kpi.todayClosure', unit: 'pct', value: (s) => s.cases?.todayClosureRate ?? null },
  { id: 'todayOnTime', label: 'cockpit.kpi.todayOnTime', unit: 'pct', value: (s) => s.cases?.todayOnTimeRate ?? null },
  { id: 'monthClosure', label: 'cockpit.kpi.monthClosure', unit: 'pct', value: (s) => s.cases?.monthClosureRate ?? null },
  { id: 'monthOnTime', label: 'cockpit.kpi.monthOnTime', unit: 'pct', value: (s) => s.cases?.monthOnTimeRate ?? null },
  { id: 'rain', label: 'cockpit.kpi.rain', unit: 'mmh', value: (s) => s.rain.nowMmPerH, sub: (s, x) => (s.rain.forecastMmPerH === null ? '' : `→ ${x.num(s.rain.forecastMmPerH, 1)} mm/h`), alert: (v) => v >= 30 },
  { id: 'evacuate', label: 'cockpit.kpi.evacuate', unit: 'count', value: (s) => s.evacuation?.red ?? null, sub: (s, x) => (s.evacuation ? x.t('cockpit.kpi.yellowGrids', { n: x.num(s.evacuation.yellow) }) : ''), alert: (v) => v > 0 },
  { id: 'gauges', label: 'cockpit.kpi.gauges', unit: 'count', value: (s) => s.gaugesOverWarning, sub: (s, x) => x.t('cockpit.kpi.of', { n: x.num(s.gauges.length) }), alert: (v) => v > 0 },
];

export function kpiValues(s: CockpitSummary): Record<string, number | null> {
  return Object.fromEntries(KPI_CARDS.map((k) => [k.id, k.value(s)]));
}

function Sparkline({ data, bad }: { data: Float32Array | undefined; bad: boolean }) {
  if (!data) return <svg className="spark" viewBox="0 0 100 28" />;
  let lo = Infinity, hi = -Infinity;
  for (const v of data) if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  const span = hi - lo || 1;
  // the readings so far fill the width (a screen just switched on shows a line, not a dot at the end)
  let first = data.findIndex((v) => Number.isFinite(v));
  if (first === data.length - 1) first--;
  let d = '';
  data.forEach((v, i) => {
    if (i < first) return;
    const val = Number.isFinite(v) ? v : data[data.length - 1]!;
    if (!Number.isFinite(val)) return;
    const x = (100 * (i - first)) / (data.length - 1 - first), y = 26 - (24 * (val - lo)) / span;
    d += `${d ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`;
  });
  return <svg className={`spark${bad ? ' bad' : ''}`} viewBox="0 0 100 28" preserveAspectRatio="none" aria-hidden><path d={d} /></svg>;
}

export function KpiCards({ summary, history, x }: { summary: CockpitSummary | null; history: Map<string, Float32Array>; x: CockpitText }) {
  return (
    <div className="kpi-grid">
      {KPI_CARDS.map((k) => {
        const v = summary ? k.value(summary) : null;
        const bad = v !== null && !!k.alert?.(v);
        const text = v === null ? x.t('cockpit.kpi.none') : k.unit === 'pct' ? x.num(v, 1) : k.unit === 'mmh' ? x.num(v, 1) : x.num(v);
        const unit = v === null ? '' : k.unit === 'pct' ? '%' : k.unit === 'mmh' ? 'mm/h' : '';
        const sub = summary && k.sub ? k.sub(summary, x) : summary && !summary.cases && ['open', 'overdue', 'todayClosure', 'todayOnTime', 'monthClosure', 'monthOnTime'].includes(k.id) ? x.t('cockpit.kpi.noCases') : '';
        return (
          <section key={k.id} className={`kpi${bad ? ' bad' : ''}`} data-testid={`kpi-${k.id}`}>
            <h3>{x.t(k.label)}</h3>
            <div className="kpi-value"><b>{text}</b><small>{unit}</small></div>
            <div className="kpi-sub">{sub}</div>
            <Sparkline data={history.get(k.id)} bad={bad} />
          </section>
        );
      })}
    </div>
  );
}
