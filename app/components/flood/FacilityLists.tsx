'use client';
import type { TwinEngine } from '../../../scene/TwinEngine';
import { useI18n } from '../../i18n';
import type { MessageKey } from '../../i18n/zh';
import { useEngineSelector } from '../useEngine';
import { Field, NumField, Section } from './fields';
import { type Doc } from './doc';
import { DrainageZones, RoughnessZones } from './DrainageZones';

type Item = Record<string, unknown>;
type Pt = [number, number];

interface NumCol { key: string; label: MessageKey; unit?: string; min?: number; step?: number }

/** One list of the scenario (pumps, inflows, probes): a card per item with a point and numbers. */
interface ListDef {
  key: 'pumps' | 'inflows' | 'probes';
  title: MessageKey;
  cols: NumCol[];
  make(k: number, at: Pt): Item;
}

const LISTS: ListDef[] = [
  {
    key: 'pumps', title: 'list.pumps',
    cols: [{ key: 'capacity', label: 'list.capacity', unit: 'm³/s', min: 0 }, { key: 'startDepth', label: 'list.startDepth', unit: 'm', min: 0, step: 0.05 }, { key: 'stopDepth', label: 'list.stopDepth', unit: 'm', min: 0, step: 0.05 }],
    make: (k, at) => ({ name: `P${k + 1}`, at, capacity: 1, startDepth: 0.1 }),
  },
  {
    key: 'inflows', title: 'list.inflows',
    cols: [{ key: 'radius', label: 'list.radius', unit: 'm', min: 0 }],
    make: (k, at) => ({ name: `Q${k + 1}`, at, radius: 0, hydrograph: [{ time: 0, flow: 1 }] }),
  },
  {
    key: 'probes', title: 'list.probes', cols: [],
    make: (k, at) => ({ name: `S${k + 1}`, at }),
  },
];

/** The selected thing's local point (component, building, grid or ground point), or null. */
function usePickPoint(engine: TwinEngine | null): Pt | null {
  const key = useEngineSelector(engine, (e) => {
    const p = e.selectionPoint();
    return p ? `${p.x.toFixed(1)},${p.y.toFixed(1)}` : null;
  });
  if (!key) return null;
  const [x, y] = key.split(',').map(Number);
  return [x!, y!];
}

export function FacilityLists({ draft, set, engine }: { draft: Doc; set(path: string, v: unknown): void; engine: TwinEngine | null }) {
  const { t } = useI18n();
  const pick = usePickPoint(engine);
  const barriers = (draft.barriers as Item[] | undefined) ?? [];
  const zones = (draft.drainageZones as Item[] | undefined) ?? [];
  const rough = ((draft.roughness as Item | undefined)?.zones as Item[] | undefined) ?? [];
  const count = LISTS.reduce((n, l) => n + ((draft[l.key] as Item[] | undefined)?.length ?? 0), 0) + barriers.length + zones.length + rough.length;
  return (
    <Section title={t('editor.facilities')} open={count > 0} extra={<span className="muted small">{count || ''}</span>}>
      <p className="sf-note wide">{pick ? t('list.pickHint', { x: pick[0].toFixed(1), y: pick[1].toFixed(1) }) : t('list.noPick')}</p>
      {LISTS.map((l) => {
        const items = (draft[l.key] as Item[] | undefined) ?? [];
        return (
          <div key={l.key} className="wide fac-list" data-testid={`list-${l.key}`}>
            <div className="fac-head">
              <h4>{t(l.title)} <span className="muted">{items.length || ''}</span></h4>
              <button type="button" className="btn small" onClick={() => set(l.key, [...items, l.make(items.length, pick ?? [0, 0])])}>+ {t('list.add')}</button>
            </div>
            {items.map((it, k) => {
              const at = (it.at as Pt | undefined) ?? [0, 0];
              const p = `${l.key}.${k}`;
              return (
                <div key={k} className="fac-item">
                  <Field path={`${p}.name`} label={t('list.name')}>
                    <input type="text" value={String(it.name ?? '')} onChange={(e) => set(`${p}.name`, e.target.value || (l.key === 'probes' ? '' : undefined))} />
                  </Field>
                  <Field path={`${p}.at.0`} label="x" unit="m"><NumField value={at[0]} onChange={(v) => set(`${p}.at.0`, v)} /></Field>
                  <Field path={`${p}.at.1`} label="y" unit="m"><NumField value={at[1]} onChange={(v) => set(`${p}.at.1`, v)} /></Field>
                  {l.cols.map((c) => (
                    <Field key={c.key} path={`${p}.${c.key}`} label={t(c.label)} unit={c.unit}>
                      <NumField min={c.min} step={c.step} value={it[c.key]} onChange={(v) => set(`${p}.${c.key}`, v)} />
                    </Field>
                  ))}
                  {l.key === 'inflows' && <InflowFlow path={p} item={it} set={set} />}
                  <div className="fac-actions">
                    <button type="button" className="btn small" disabled={!pick} onClick={() => pick && set(`${p}.at`, pick)}>{t('list.useSelection')}</button>
                    <button type="button" className="btn small ghost" onClick={() => set(l.key, items.filter((_, j) => j !== k))}>{t('list.remove')}</button>
                  </div>
                </div>
              );
            })}
          </div>
        );
      })}
      <Barriers items={barriers} set={set} pick={pick} />
      <DrainageZones items={zones} set={set} pick={pick} />
      <RoughnessZones items={rough} set={set} pick={pick} />
    </Section>
  );
}

/** An inflow's hydrograph: a constant flow is edited here; a longer one is kept as stored. */
function InflowFlow({ path, item, set }: { path: string; item: Item; set(path: string, v: unknown): void }) {
  const { t } = useI18n();
  const h = (item.hydrograph as { time: number; flow: number }[] | undefined) ?? [];
  if (h.length > 1) return <p className="sf-note">{t('list.hydrographKept', { n: h.length })}</p>;
  return (
    <Field path={`${path}.hydrograph`} label={t('list.flow')} unit="m³/s">
      <NumField min={0} value={h[0]?.flow} onChange={(v) => set(`${path}.hydrograph`, [{ time: 0, flow: v }])} />
    </Field>
  );
}

/** Barriers: a line of points (typed or taken from the selection one at a time) and a height. */
function Barriers({ items, set, pick }: { items: Item[]; set(path: string, v: unknown): void; pick: Pt | null }) {
  const { t } = useI18n();
  return (
    <div className="wide fac-list" data-testid="list-barriers">
      <div className="fac-head">
        <h4>{t('list.barriers')} <span className="muted">{items.length || ''}</span></h4>
        <button type="button" className="btn small" onClick={() => set('barriers', [...items, { name: `B${items.length + 1}`, line: pick ? [pick, [pick[0] + 20, pick[1]]] : [[0, 0], [20, 0]], height: 0.5 }])}>+ {t('list.add')}</button>
      </div>
      {items.map((it, k) => {
        const p = `barriers.${k}`;
        const line = (it.line as Pt[] | undefined) ?? [];
        return (
          <div key={k} className="fac-item">
            <Field path={`${p}.name`} label={t('list.name')}>
              <input type="text" value={String(it.name ?? '')} onChange={(e) => set(`${p}.name`, e.target.value || undefined)} />
            </Field>
            <Field path={`${p}.height`} label={t('list.height')} unit="m">
              <NumField min={0} step={0.1} value={it.height} onChange={(v) => set(`${p}.height`, v)} />
            </Field>
            <Field path={`${p}.line`} label={t('list.line')} wide>
              <div className="pts">
                {line.map((q, j) => (
                  <span key={j} className="pt">
                    <NumField ariaLabel={`x${j + 1}`} value={q[0]} onChange={(v) => set(`${p}.line.${j}.0`, v)} />
                    <NumField ariaLabel={`y${j + 1}`} value={q[1]} onChange={(v) => set(`${p}.line.${j}.1`, v)} />
                    <button type="button" className="icon-btn" aria-label={t('list.remove')} disabled={line.length <= 2} onClick={() => set(`${p}.line`, line.filter((_, i) => i !== j))}>×</button>
                  </span>
                ))}
              </div>
            </Field>
            <div className="fac-actions">
              <button type="button" className="btn small" disabled={!pick} onClick={() => pick && set(`${p}.line`, [...line, pick])}>{t('list.addSelection')}</button>
              <button type="button" className="btn small ghost" onClick={() => set('barriers', items.filter((_, j) => j !== k))}>{t('list.remove')}</button>
            </div>
          </div>
        );
      })}
    </div>
  );
}
