'use client';
import { CLASS_BY_CODE } from '../../../models/components';
import type { CockpitAlert, CockpitSummary } from '../../../models/cockpit';
import { FIVE_COLOURS } from '../../../models/fiveColour';
import type { CockpitText } from './useCockpitSummary';

const clock = (ms: number, lang: string) => new Date(ms).toLocaleTimeString(lang === 'zh' ? 'zh-CN' : 'en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** Components in alarm, newest first; a click flies this screen there. */
export function AlertFeed({ summary, x, onFly }: { summary: CockpitSummary | null; x: CockpitText; onFly(a: CockpitAlert): void }) {
  const alerts = summary?.alerts ?? [];
  return (
    <section className="cp-panel cp-alerts" data-testid="alert-feed">
      <h2>{x.t('cockpit.alerts')} <span className="cp-count">{summary ? x.num(summary.components.alarm) : ''}</span></h2>
      {alerts.length === 0 && <p className="cp-empty">{x.t('cockpit.alerts.none')}</p>}
      <ol>
        {alerts.slice(0, 9).map((a) => {
          const k = CLASS_BY_CODE.get(a.classCode);
          return (
            <li key={a.index}>
              <button type="button" onClick={() => onFly(a)} data-testid="alert-item" data-index={a.index}>
                <time>{a.at ? clock(a.at, x.lang) : '—'}</time>
                <span className="cp-alert-what">{k ? k[x.lang] : a.classCode}</span>
                <span className="cp-alert-code">{a.code.slice(-6)}</span>
                {a.value !== null && k?.telemetry === 'level' && <b>{x.num(a.value * 100)} cm</b>}
              </button>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

/** The latest forecast run: which prone points cross which threshold, and in how long. */
export function Outlook({ summary, x }: { summary: CockpitSummary | null; x: CockpitText }) {
  const o = summary?.outlook ?? null;
  return (
    <section className="cp-panel cp-outlook" data-testid="outlook">
      <h2>{x.t('cockpit.outlook')}</h2>
      {!o && <p className="cp-empty">{x.t('cockpit.outlook.none')}</p>}
      {o && <p className="cp-muted">{o.scenarioName}</p>}
      {o && o.points.length === 0 && <p className="cp-empty">{x.t('cockpit.outlook.clear')}</p>}
      <ol>
        {o?.points.slice(0, 4).map((p, i) => (
          <li key={i} className={`th${p.thresholdCm}`}>
            <span>{p.name}</span>
            <b>{p.inS <= 0 ? x.t('cockpit.outlook.now', { cm: p.thresholdCm }) : x.t('cockpit.outlook.in', { cm: p.thresholdCm, min: x.num(Math.ceil(p.inS / 60)) })}</b>
          </li>
        ))}
      </ol>
    </section>
  );
}

/** Level gauges, deepest first, as bars against the warning line. */
export function Gauges({ summary, x }: { summary: CockpitSummary | null; x: CockpitText }) {
  const gauges = summary?.gauges ?? [];
  return (
    <section className="cp-panel cp-gauges" data-testid="gauges">
      <h2>{x.t('cockpit.gauges')}</h2>
      {gauges.length === 0 && <p className="cp-empty">{x.t('cockpit.gauges.none')}</p>}
      <ol>
        {gauges.slice(0, 5).map((g) => {
          // the bar's full length is twice the warning level; the line marks the warning
          const f = g.depthM === null ? 0 : Math.min(1, g.depthM / (2 * g.warnM));
          const over = g.depthM !== null && g.depthM >= g.warnM;
          return (
            <li key={g.index}>
              <span className="cp-gauge-code">{g.code.slice(-6)}</span>
              <span className="cp-gauge-bar"><i style={{ width: `${f * 100}%` }} className={over ? 'over' : ''} /><em /></span>
              <b>{g.depthM === null ? x.t('cockpit.gauges.silent') : `${x.num(g.depthM * 100)} / ${x.num(g.warnM * 100)} cm`}</b>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

/** How many unit grids are of each colour of the five-colour map (the twin draws them). */
export function FiveLegend({ summary, x }: { summary: CockpitSummary | null; x: CockpitText }) {
  return (
    <section className="cp-five" data-testid="five-colour">
      <h2>{x.t('cockpit.five')}</h2>
      <ul>
        {[...FIVE_COLOURS].reverse().map((f) => (
          <li key={f.level}><i style={{ background: f.color }} />{f[x.lang]} <b>{summary ? x.num(summary.gridLevels[f.level] ?? 0) : '—'}</b></li>
        ))}
      </ul>
    </section>
  );
}
