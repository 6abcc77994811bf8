'use client';
import type { ProfileSample } from '../../../models/measure';
import type { EditLayer } from '../../../scene/edit/editLayer';
import type { MeasureLayer, MeasureTool } from '../../../scene/measure/measureLayer';
import type { TwinEngine } from '../../../scene/TwinEngine';
import { useI18n } from '../../i18n';
import type { MessageKey } from '../../i18n/zh';
import { useEngineSelector } from '../useEngine';

const TOOLS: { tool: Exclude<MeasureTool, 'off'>; label: MessageKey; hint: MessageKey }[] = [
  { tool: 'distance', label: 'measure.distance', hint: 'measure.hintDistance' },
  { tool: 'area', label: 'measure.area', hint: 'measure.hintArea' },
  { tool: 'height', label: 'measure.height', hint: 'measure.hintHeight' },
  { tool: 'profile', label: 'measure.profile', hint: 'measure.hintProfile' },
];

/** Measure tools over the map (everyone may measure): distance, area, height above ground, terrain profile. */
export function MeasureBar({ engine }: { engine: TwinEngine | null }) {
  const { t, num } = useI18n();
  const layer = () => engine?.layer<MeasureLayer>('measure') ?? null;
  const tool = useEngineSelector(engine, (e) => e.layer<MeasureLayer>('measure')?.api.tool() ?? null);
  // re-read on every change of the points, and of the shown time (the profile's water)
  useEngineSelector(engine, (e) => `${e.layer<MeasureLayer>('measure')?.api.version()}:${e.flood?.time()}:${e.flood?.run()?.id}`);
  if (!tool) return null;
  const api = layer()!.api;
  const r = api.result();
  const def = TOOLS.find((x) => x.tool === tool);
  const m = (v: number) => (v >= 1000 ? `${num(v / 1000, 2)} km` : `${num(v, 1)} m`);
  const area = (v: number) => (v >= 1e5 ? `${num(v / 1e6, 3)} km²` : `${num(v, 0)} m²`);
  return (
    <div className="measure-bar" data-testid="measure-bar" data-tool={tool}>
      <div className="row" role="toolbar" aria-label={t('measure.title')}>
        <span className="small muted">{t('measure.title')}</span>
        {TOOLS.map((x) => (
          <button key={x.tool} type="button" className={`btn small${tool === x.tool ? ' on' : ''}`} aria-pressed={tool === x.tool} data-testid={`measure-${x.tool}`}
            onClick={() => {
              engine?.layer<EditLayer>('edit')?.api.setTool({ kind: 'off' });
              api.setTool(tool === x.tool ? 'off' : x.tool);
            }}>{t(x.label)}</button>
        ))}
        {tool !== 'off' && <button type="button" className="btn small ghost" data-testid="measure-clear" onClick={() => api.clear()}>{t('measure.clear')}</button>}
      </div>
      {def && (
        <div className="measure-out" data-testid="measure-out">
          {r.distanceM !== null && <strong data-testid="measure-value" data-m={r.distanceM.toFixed(2)}>{t('measure.distanceVal', { v: m(r.distanceM) })}</strong>}
          {r.areaM2 !== null && <strong data-testid="measure-value" data-m2={r.areaM2.toFixed(1)}>{t('measure.areaVal', { v: area(r.areaM2) })}</strong>}
          {r.heightM !== null && <strong data-testid="measure-value" data-m={r.heightM.toFixed(2)}>{t('measure.heightVal', { v: num(r.heightM, 1) })}</strong>}
          {r.profile && <ProfileChart samples={r.profile} label={t('measure.profileLabel')} ground={t('measure.ground')} water={t('measure.water')} />}
          <p className="small muted">{t(def.hint)}</p>
        </div>
      )}
    </div>
  );
}

const W = 300, H = 120, L = 36, B = 16;

/** Ground (brown) and water surface (blue) along the line: plain SVG, metres on both axes. */
function ProfileChart({ samples, label, ground, water }: { samples: ProfileSample[]; label: string; ground: string; water: string }) {
  const sMax = samples[samples.length - 1]!.s || 1;
  let lo = Infinity, hi = -Infinity;
  for (const p of samples) { lo = Math.min(lo, p.ground); hi = Math.max(hi, p.water ?? p.ground); }
  const pad = Math.max(0.5, (hi - lo) * 0.1);
  lo -= pad; hi += pad;
  const x = (s: number) => L + ((W - L - 4) * s) / sMax;
  const y = (z: number) => 4 + ((H - B - 4) * (hi - z)) / (hi - lo);
  const groundPath = `M${x(0)},${H - B} ` + samples.map((p) => `L${x(p.s).toFixed(1)},${y(p.ground).toFixed(1)}`).join(' ') + ` L${x(sMax)},${H - B} Z`;
  // water: one closed shape per wet stretch, between the ground and the water surface
  const wet: string[] = [];
  let run: ProfileSample[] = [];
  const flush = () => {
    if (run.length) wet.push('M' + run.map((p) => `${x(p.s).toFixed(1)},${y(p.water!).toFixed(1)}`).join(' L') + ' L' + [...run].reverse().map((p) => `${x(p.s).toFixed(1)},${y(p.ground).toFixed(1)}`).join(' L') + ' Z');
    run = [];
  };
  for (const p of samples) { if (p.water !== null) run.push(p); else flush(); }
  flush();
  return (
    <svg className="profile-chart" data-testid="profile-chart" data-wet={wet.length} width={W} height={H} viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}>
      <path d={groundPath} fill="#8b6b4a" fillOpacity={0.75} stroke="#c9a27a" strokeWidth={1} />
      {wet.map((d, i) => <path key={i} d={d} fill="#3b82f6" fillOpacity={0.8} stroke="#93c5fd" strokeWidth={1} />)}
      <text x={2} y={y(hi - pad) + 4} className="tick">{(hi - pad).toFixed(1)}</text>
      <text x={2} y={y(lo + pad)} className="tick">{(lo + pad).toFixed(1)} m</text>
      <text x={L} y={H - 3} className="tick">0</text>
      <text x={W - 4} y={H - 3} className="tick" textAnchor="end">{sMax.toFixed(0)} m</text>
      <g className="legend" transform={`translate(${L + 6}, 12)`}>
        <rect width={8} height={8} fill="#8b6b4a" /><text x={11} y={8} className="tick">{ground}</text>
        <rect x={56} width={8} height={8} fill="#3b82f6" /><text x={67} y={8} className="tick">{water}</text>
      </g>
    </svg>
  );
}
