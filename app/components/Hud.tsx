'use client';
import { memo } from 'react';
import { COMPONENT_CLASSES, COMPONENT_STATES, type ComponentShape } from '../../models/components';
import { FIVE_COLOURS } from '../../models/fiveColour';
import { LAYER_KEYS } from '../../scene/core/types';
import type { TwinEngine } from '../../scene/TwinEngine';
import { useI18n } from '../i18n';
import { useEngineVersion } from './useEngine';

const SHAPE_ICON: Record<ComponentShape, string> = {
  cover: '●', grate: '▤', hydrant: '♜', light: '⟟', gauge: '┇', charger: '⚡', busStop: '⌂', bin: '▮', billboard: '▭', signboard: '⚑', tree: '♣',
};

export function LayerPanel({ engine }: { engine: TwinEngine | null }) {
  const { t, pick, num } = useI18n();
  useEngineVersion(engine);
  const byClass = engine?.components?.countByClass;
  const byState = engine?.components?.countByState;
  return (
    <aside className="panel layers-panel" data-testid="layers-panel">
      <section>
        <h3>{t('layers.title')}</h3>
        <ul className="toggles">
          {LAYER_KEYS.map((k) => (
            <li key={k}>
              <label>
                <input
                  type="checkbox"
                  data-testid={`layer-${k}`}
                  checked={engine?.layers[k] ?? true}
                  disabled={!engine}
                  onChange={(e) => engine?.setLayer(k, e.target.checked)}
                />
                <span>{t(`layers.${k}`)}</span>
              </label>
            </li>
          ))}
        </ul>
      </section>
      <section>
        <h3>{t('legend.risk')}</h3>
        <ul className="five" data-testid="five-colour">
          {FIVE_COLOURS.map((c) => (
            <li key={c.key} style={{ background: c.color }} title={pick(c)} aria-label={pick(c)} />
          ))}
        </ul>
        <div className="five-ends muted">
          <span>{pick(FIVE_COLOURS[0])}</span>
          <span>{pick(FIVE_COLOURS[FIVE_COLOURS.length - 1])}</span>
        </div>
      </section>
      <section>
        <h3>{t('legend.states')}</h3>
        <ul className="legend states">
          {COMPONENT_STATES.map((s) => (
            <li key={s.key}>
              <span className="swatch" style={{ background: s.color }} />
              <span className="name">{pick(s)}</span>
              <span className="count">{byState ? num(byState[s.code] ?? 0) : '–'}</span>
            </li>
          ))}
          <li key="stale" data-testid="legend-stale">
            <span className="swatch stale" />
            <span className="name">{t('inspector.stale')}</span>
            <span className="count">{engine?.components ? num(engine.components.staleCount) : '–'}</span>
          </li>
        </ul>
      </section>
      <ClassLegend byClass={byClass} />
    </aside>
  );
}

/** Components per class: fixed once the city is loaded, so not re-rendered with the live counts. */
const ClassLegend = memo(function ClassLegend({ byClass }: { byClass: Int32Array | undefined }) {
  const { t, pick, num } = useI18n();
  return (
    <section>
      <h3>{t('legend.classes')}</h3>
      <ul className="legend classes">
        {COMPONENT_CLASSES.map((c) => (
          <li key={c.code} title={c.code}>
            <span className="icon" aria-hidden>{SHAPE_ICON[c.shape]}</span>
            <span className="name">{pick(c)}</span>
            <span className="count">{byClass ? num(byClass[c.index] ?? 0) : '–'}</span>
          </li>
        ))}
      </ul>
    </section>
  );
});

export function StatusLine({ engine }: { engine: TwinEngine | null }) {
  const { t, num } = useI18n();
  useEngineVersion(engine);
  const s = engine?.status;
  const conn = s?.connection ?? 'connecting';
  return (
    <div className="status-line" data-testid="status-line">
      <span className={`dot ${conn}`} />
      <span data-testid="status-connection">{t(`status.${conn}`)}</span>
      <span className="sep">·</span>
      <span data-testid="status-seq">{t('status.seq', { seq: s && s.seq >= 0 ? s.seq : '–' })}</span>
      <span className="sep">·</span>
      <span>{t('status.rate', { rate: num(s?.changesPerSec ?? 0, 1) })}</span>
      <span className="sep wide">·</span>
      <span className="wide">{t('status.frame', { ms: num(s?.frameMs ?? 0, 1), calls: s?.drawCalls ?? 0 })}</span>
    </div>
  );
}
