'use client';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { COMPONENT_STATES, STATE_CODE, type ComponentStateKey } from '../../models/components';
import type { ComponentHistoryPoint } from '../../models/history';
import { useI18n } from '../i18n';
import type { MessageKey } from '../i18n/zh';
import { useTRPC } from '../trpc';

const RANGES: readonly { hours: number; label: MessageKey }[] = [
  { hours: 1, label: 'history.range1h' },
  { hours: 24, label: 'history.range24h' },
  { hours: 168, label: 'history.range7d' },
];

// Geometry in SVG user units; the viewBox is the inspector's content width, so units are about pixels.
const W = 290;
const LEFT = 34;
const RIGHT = 4;
const TOP = 6;
const PLOT_H = 78; // value band and mean line
const STRIP_H = 10;
const GAP = 6;
const AXIS_H = 16;
const MINUTE = 60_000;
const TICK_STEPS = [5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880].map((m) => m * MINUTE);

const stateColor = (k: ComponentStateKey) => COMPONENT_STATES[STATE_CODE[k]]!.color;

/** Time ticks at round local times (whole hours, midnights), about four across the window. */
function timeTicks(fromMs: number, toMs: number): { ticks: number[]; stepMs: number } {
  const stepMs = TICK_STEPS.find((s) => (toMs - fromMs) / s <= 5) ?? TICK_STEPS[TICK_STEPS.length - 1]!;
  const d = new Date(fromMs);
  d.setHours(0, 0, 0, 0); // local midnight: ticks follow the viewer's clock, not UTC
  const ticks: number[] = [];
  if (stepMs >= 1440 * MINUTE) {
    for (; d.getTime() <= toMs; d.setDate(d.getDate() + stepMs / (1440 * MINUTE))) if (d.getTime() >= fromMs) ticks.push(d.getTime());
  } else {
    const base = d.getTime();
    for (let t = base + Math.ceil((fromMs - base) / stepMs) * stepMs; t <= toMs; t += stepMs) ticks.push(t);
  }
  return { ticks, stepMs };
}

/**
 * A component's history as a chart: a state strip (worst state per step, coloured as on the
 * map; the last state carried faintly across steps without reports) for every class, and for
 * classes with readings the min..max band with the mean line above it. Plain SVG; refetched
 * every 10 s while the inspector shows the component.
 */
export function HistoryChart({ city, index }: { city: string; index: number }) {
  const { t, pick, num, lang } = useI18n();
  const trpc = useTRPC();
  const [hours, setHours] = useState(24);
  const q = useQuery({
    ...trpc.component.history.queryOptions({ city, index, hours }),
    refetchInterval: 10_000,
    placeholderData: keepPreviousData,
  });
  const points = q.data;
  const locale = lang === 'zh' ? 'zh-CN' : 'en-GB';
  // The window ends at the time of the data, so a refetch moves the chart, not each render.
  const toMs = q.dataUpdatedAt || Date.now();
  const fromMs = toMs - hours * 3_600_000;

  const g = useMemo(() => (points ? layout(points, fromMs, toMs) : null), [points, fromMs, toMs]);
  const fmt = useMemo(() => {
    const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' });
    const day = new Intl.DateTimeFormat(locale, { month: 'numeric', day: 'numeric' });
    const full = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short' });
    return { time, day, full };
  }, [locale]);

  const height = g ? TOP + (g.hasValues ? PLOT_H + GAP : 0) + STRIP_H + AXIS_H : TOP + STRIP_H + AXIS_H;
  const stripY = TOP + (g?.hasValues ? PLOT_H + GAP : 0);
  const reports = points?.reduce((n, p) => n + p.reports, 0) ?? 0;

  return (
    <div className="history-chart" data-testid="history-chart" data-points={points?.length ?? 0}>
      <div className="history-chart-head">
        <h3>{t('history.title')}</h3>
        <div className="seg" role="group" aria-label={t('history.rangeLabel')}>
          {RANGES.map((r) => (
            <button key={r.hours} type="button" aria-pressed={hours === r.hours} className={hours === r.hours ? 'on' : ''}
              onClick={() => setHours(r.hours)} data-testid={`history-range-${r.hours}`}>
              {t(r.label)}
            </button>
          ))}
        </div>
      </div>
      {q.isError && <p className="error small">{t('inspector.error', { message: q.error.message })}</p>}
      {g && (
        <svg viewBox={`0 0 ${W} ${height}`} width="100%" role="img" aria-label={t('history.aria')}>
          {g.ticks.ticks.map((tk) => (
            <line key={tk} className="grid" x1={g.x(tk)} x2={g.x(tk)} y1={TOP} y2={stripY + STRIP_H} />
          ))}
          {g.hasValues && (
            <g>
              {g.yTicks.map((v) => (
                <g key={v}>
                  <line className="grid" x1={LEFT} x2={W - RIGHT} y1={g.y(v)} y2={g.y(v)} />
                  <text className="label" x={LEFT - 4} y={g.y(v) + 3} textAnchor="end">{num(v, g.digits)}</text>
                </g>
              ))}
              {points!.map((p) => (p.min === null || p.max === null ? null : (
                <rect key={p.startMs} className="band" x={g.x(p.startMs)} width={Math.max(0.8, g.x(p.endMs) - g.x(p.startMs))}
                  y={g.y(p.max)} height={Math.max(1, g.y(p.min) - g.y(p.max))} />
              )))}
              <path className="mean" d={g.meanPath} />
            </g>
          )}
          <rect className="strip-bg" x={LEFT} y={stripY} width={W - RIGHT - LEFT} height={STRIP_H} />
          {g.carry.map((c) => (
            <rect key={`c${c.from}`} x={g.x(c.from)} width={Math.max(0, g.x(c.to) - g.x(c.from))} y={stripY} height={STRIP_H}
              fill={stateColor(c.state)} opacity={0.3} />
          ))}
          {points!.map((p) => (
            <rect key={p.startMs} x={g.x(p.startMs)} width={Math.max(0.8, g.x(p.endMs) - g.x(p.startMs))} y={stripY} height={STRIP_H}
              fill={stateColor(p.worst)} data-state={p.worst}>
              <title>
                {`${fmt.full.format(p.startMs)} – ${fmt.time.format(p.endMs)} · ${pick(COMPONENT_STATES[STATE_CODE[p.worst]]!)} · ${t('history.reports', { count: p.reports })}`
                  + (p.mean !== null ? ` · ${t('history.mean')} ${num(p.mean, g.digits)}` : '')}
              </title>
            </rect>
          ))}
          {g.ticks.ticks.map((tk) => (
            <text key={tk} className="label" x={g.x(tk)} y={stripY + STRIP_H + 12} textAnchor="middle">
              {(g.ticks.stepMs >= 1440 * MINUTE ? fmt.day : fmt.time).format(tk)}
            </text>
          ))}
        </svg>
      )}
      <p className="history-chart-foot muted small">
        {points && points.length === 0 ? t('history.empty') : t('history.reports', { count: num(reports) })}
        {g?.hasValues && (
          <>
            <span className="key band" /> {t('history.band')}
            <span className="key mean" /> {t('history.mean')}
          </>
        )}
      </p>
    </div>
  );
}

function layout(points: ComponentHistoryPoint[], fromMs: number, toMs: number) {
  const x = (ms: number) => LEFT + ((Math.min(Math.max(ms, fromMs), toMs) - fromMs) / (toMs - fromMs)) * (W - RIGHT - LEFT);
  let lo = Infinity, hi = -Infinity;
  for (const p of points) {
    if (p.min !== null && p.min < lo) lo = p.min;
    if (p.max !== null && p.max > hi) hi = p.max;
  }
  const hasValues = lo <= hi;
  if (!hasValues) { lo = 0; hi = 1; }
  if (hi - lo < 1e-9) { lo -= 0.5; hi += 0.5; }
  const pad = (hi - lo) * 0.06;
  lo -= pad; hi += pad;
  const y = (v: number) => TOP + (1 - (v - lo) / (hi - lo)) * PLOT_H;
  const span = hi - lo;
  const digits = span < 0.1 ? 3 : span < 10 ? 2 : span < 100 ? 1 : 0;
  const yTicks = hasValues ? [lo + pad, (lo + hi) / 2, hi - pad] : [];

  // mean line: level across each step (so a lone step shows as a dash), joined to the next step
  // when they touch, broken where a step has no reading or steps are missing
  let meanPath = '';
  let prevEnd = NaN;
  for (const p of points) {
    if (p.mean === null) { prevEnd = NaN; continue; }
    const x0 = x(p.startMs), x1 = Math.max(x(p.endMs), x0 + 2), my = y(p.mean).toFixed(1);
    meanPath += `${p.startMs === prevEnd ? 'L' : 'M'}${x0.toFixed(1)} ${my}H${x1.toFixed(1)}`;
    prevEnd = p.endMs;
  }

  // between reports the component stays in its last state: carried faintly up to the next step (or now)
  const carry: { from: number; to: number; state: ComponentStateKey }[] = [];
  points.forEach((p, k) => {
    const next = points[k + 1]?.startMs ?? toMs;
    if (next > p.endMs) carry.push({ from: p.endMs, to: next, state: p.state });
  });

  return { x, y, hasValues, digits, yTicks, meanPath, carry, ticks: timeTicks(fromMs, toMs) };
}
