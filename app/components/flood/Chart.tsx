'use client';
import type { ReactNode } from 'react';

// One small SVG chart for every flood chart (hyetograph, depth at a point, probes): time on x in
// seconds, a value on y, bars and lines and marked levels. Plain SVG like HistoryChart, so no
// chart library is added for a handful of lines.

export interface ChartLine { xs: ArrayLike<number>; ys: ArrayLike<number>; color: string; width?: number; step?: boolean; key?: string }
export interface ChartBar { x0: number; x1: number; y: number }
export interface ChartLevel { y: number; color: string; label: string }

export interface ChartProps {
  xMax: number;
  yMax: number;
  /** y tick labels, e.g. (v) => `${v} cm` */
  yFormat(v: number): string;
  bars?: ChartBar[];
  barColor?: string;
  lines?: ChartLine[];
  /** a second scale on the right (the cumulative rain): its own maximum and line */
  right?: { max: number; format(v: number): string; line: ChartLine };
  levels?: ChartLevel[];
  /** the time shown on the map */
  cursor?: number | null;
  /** time marks (e.g. when a level was first crossed) */
  marks?: { x: number; color: string }[];
  height?: number;
  label: string;
  testId?: string;
  children?: ReactNode;
}

const W = 290;
const LEFT = 34;
const TOP = 6;
const AXIS_H = 15;
const STEPS = [60, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

/** About four round y ticks from 0 to max. */
function niceTicks(max: number): number[] {
  if (!(max > 0)) return [0];
  const raw = max / 4, p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = 0; v <= max + 1e-9; v += step) out.push(+v.toPrecision(6));
  return out;
}

const hm = (s: number) => `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}`;

export function Chart(p: ChartProps) {
  const H = p.height ?? 96;
  const right = p.right ? 30 : 6;
  const plotW = W - LEFT - right;
  const xMax = p.xMax > 0 ? p.xMax : 1;
  const yMax = p.yMax > 0 ? p.yMax : 1;
  const x = (t: number) => LEFT + (Math.min(Math.max(t, 0), xMax) / xMax) * plotW;
  const y = (v: number) => TOP + (1 - Math.min(Math.max(v, 0), yMax) / yMax) * H;
  const yTicks = niceTicks(yMax);
  const xStep = STEPS.find((s) => xMax / s <= 5) ?? STEPS[STEPS.length - 1]!;
  const xTicks: number[] = [];
  for (let t = 0; t <= xMax + 1e-6; t += xStep) xTicks.push(t);
  const path = (l: ChartLine, sy: (v: number) => number) => {
    let d = '';
    for (let k = 0; k < l.xs.length; k++) {
      const px = x(l.xs[k]!).toFixed(1), py = sy(l.ys[k]!).toFixed(1);
      if (k === 0) d += `M${px} ${py}`;
      else d += l.step ? `H${px}V${py}` : `L${px} ${py}`;
    }
    return d;
  };
  const yR = p.right ? (v: number) => TOP + (1 - Math.min(Math.max(v, 0), p.right!.max) / (p.right!.max || 1)) * H : y;
  return (
    <svg className="chart" viewBox={`0 0 ${W} ${TOP + H + AXIS_H}`} width="100%" role="img" aria-label={p.label} data-testid={p.testId}>
      {yTicks.map((v) => (
        <g key={`y${v}`}>
          <line className="grid" x1={LEFT} x2={LEFT + plotW} y1={y(v)} y2={y(v)} />
          <text className="label" x={LEFT - 4} y={y(v) + 3} textAnchor="end">{p.yFormat(v)}</text>
        </g>
      ))}
      {xTicks.map((t) => (
        <text key={`x${t}`} className="label" x={x(t)} y={TOP + H + 11} textAnchor="middle">{hm(t)}</text>
      ))}
      {p.bars?.map((b, k) => (
        <rect key={k} x={x(b.x0)} width={Math.max(0.6, x(b.x1) - x(b.x0) - 0.3)} y={y(b.y)} height={Math.max(0, TOP + H - y(b.y))} fill={p.barColor ?? 'rgba(102, 224, 255, 0.55)'} />
      ))}
      {p.levels?.map((l, k) => {
        if (l.y > yMax) return null;
        // a label only where it does not sit on the one below (levels close on a tall scale)
        const prev = p.levels![k - 1];
        const room = !prev || prev.y > yMax || y(prev.y) - y(l.y) >= 10;
        return (
          <g key={l.label}>
            <line x1={LEFT} x2={LEFT + plotW} y1={y(l.y)} y2={y(l.y)} stroke={l.color} strokeDasharray="3 2" strokeWidth={1} />
            {room && <text className="label" x={LEFT + plotW - 2} y={y(l.y) - 2} textAnchor="end" style={{ fill: l.color }}>{l.label}</text>}
          </g>
        );
      })}
      {p.lines?.map((l, k) => (
        <path key={l.key ?? k} d={path(l, y)} fill="none" stroke={l.color} strokeWidth={l.width ?? 1.4} strokeLinejoin="round" />
      ))}
      {p.right && (
        <g>
          <path d={path(p.right.line, yR)} fill="none" stroke={p.right.line.color} strokeWidth={1.4} />
          {niceTicks(p.right.max).map((v) => (
            <text key={`r${v}`} className="label" x={LEFT + plotW + 3} y={yR(v) + 3} style={{ fill: p.right!.line.color }}>{p.right!.format(v)}</text>
          ))}
        </g>
      )}
      {p.marks?.map((m, k) => <line key={`m${k}`} x1={x(m.x)} x2={x(m.x)} y1={TOP} y2={TOP + H} stroke={m.color} strokeWidth={1} opacity={0.8} />)}
      {p.cursor != null && Number.isFinite(p.cursor) && (
        <line className="cursor" x1={x(p.cursor)} x2={x(p.cursor)} y1={TOP} y2={TOP + H} />
      )}
      <line className="axis" x1={LEFT} x2={LEFT + plotW} y1={TOP + H} y2={TOP + H} />
      {p.children}
    </svg>
  );
}
