'use client';
import { useI18n } from '../../i18n';
import type { MessageKey } from '../../i18n/zh';
import { Field, NumField } from './fields';

type Item = Record<string, unknown>;
type Pt = [number, number];

/** One kind of zone: where its list is, its one number, and a new zone around a point. */
interface ZoneKind {
  list: 'drainageZones' | 'roughness.zones';
  title: MessageKey;
  testId: string;
  /** the number edited, relative to the zone (e.g. drainage.rainMmPerH) */
  value: { path: string; label: MessageKey; unit: string; step?: number; max?: number };
  make(k: number, ring: Pt[]): Item;
}

const DRAINAGE: ZoneKind = {
  list: 'drainageZones', title: 'zones.title', testId: 'drainageZones',
  value: { path: 'drainage.rainMmPerH', label: 'drain.capacity', unit: 'mm/h' },
  make: (k, ring) => ({ name: `D${k + 1}`, polygon: { ring }, drainage: { rainMmPerH: 60 } }),
};
const ROUGHNESS: ZoneKind = {
  list: 'roughness.zones', title: 'zones.roughTitle', testId: 'roughnessZones',
  value: { path: 'n', label: 'zones.manningN', unit: 's/m^⅓', step: 0.01, max: 1 },
  make: (k, ring) => ({ name: `R${k + 1}`, polygon: { ring }, n: 0.1 }),
};

function valueAt(it: Item, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Item)[k] : undefined), it);
}

/**
 * Zones as polygons of points (typed, taken from the selection, or drawn on the map) and one
 * number each. A new zone is a 200 m square around the selection. A drainage zone given by
 * return period (through the API) is kept as stored.
 */
function ZoneList({ kind, items, set, pick }: { kind: ZoneKind; items: Item[]; set(path: string, v: unknown): void; pick: Pt | null }) {
  const { t } = useI18n();
  const square = (c: Pt): Pt[] => [[c[0] - 100, c[1] - 100], [c[0] + 100, c[1] - 100], [c[0] + 100, c[1] + 100], [c[0] - 100, c[1] + 100]];
  const v = kind.value;
  return (
    <div className="wide fac-list" data-testid={`list-${kind.testId}`}>
      <div className="fac-head">
        <h4>{t(kind.title)} <span className="muted">{items.length || ''}</span></h4>
        <button type="button" className="btn small" data-testid={kind.list === 'drainageZones' ? 'zone-add' : 'rough-add'}
          onClick={() => set(kind.list, [...items, kind.make(items.length, square(pick ?? [0, 0]))])}>+ {t('list.add')}</button>
      </div>
      {items.map((it, k) => {
        const p = `${kind.list}.${k}`;
        const ring = ((it.polygon as { ring?: Pt[] } | undefined)?.ring) ?? [];
        const val = valueAt(it, v.path);
        const kept = kind.list === 'drainageZones' && !(it.drainage && 'rainMmPerH' in (it.drainage as Item));
        return (
          <div key={k} className="fac-item">
            <Field path={`${p}.name`} label={t('list.name')}>
              <input type="text" value={String(it.name ?? '')} onChange={(e) => set(`${p}.name`, e.target.value || undefined)} />
            </Field>
            {kept
              ? <p className="sf-note">{t('zones.kept')}</p>
              : <Field path={`${p}.${v.path}`} label={t(v.label)} unit={v.unit}>
                  <NumField min={0} max={v.max} step={v.step} value={val} onChange={(x) => set(`${p}.${v.path}`, x)} />
                </Field>}
            <Field path={`${p}.polygon.ring`} label={t('zones.ring')} wide>
              <div className="pts">
                {ring.map((q, j) => (
                  <span key={j} className="pt">
                    <NumField ariaLabel={`x${j + 1}`} value={q[0]} onChange={(x) => set(`${p}.polygon.ring.${j}.0`, x)} />
                    <NumField ariaLabel={`y${j + 1}`} value={q[1]} onChange={(x) => set(`${p}.polygon.ring.${j}.1`, x)} />
                    <button type="button" className="icon-btn" aria-label={t('list.remove')} disabled={ring.length <= 3} onClick={() => set(`${p}.polygon.ring`, ring.filter((_, i) => i !== j))}>×</button>
                  </span>
                ))}
              </div>
            </Field>
            <div className="fac-actions">
              <button type="button" className="btn small" disabled={!pick} onClick={() => pick && set(`${p}.polygon.ring`, [...ring, pick])}>{t('list.addSelection')}</button>
              <button type="button" className="btn small ghost" onClick={() => set(kind.list, items.filter((_, j) => j !== k))}>{t('list.remove')}</button>
            </div>
          </div>
        );
      })}
    </div>
  );
}

/** Drainage zones: districts whose pipes take a different rate (an upgrade), in mm/h. */
export function DrainageZones(props: { items: Item[]; set(path: string, v: unknown): void; pick: Pt | null }) {
  return <ZoneList kind={DRAINAGE} {...props} />;
}

/** Roughness zones: areas with their own Manning n (a park, a paved square). */
export function RoughnessZones(props: { items: Item[]; set(path: string, v: unknown): void; pick: Pt | null }) {
  return <ZoneList kind={ROUGHNESS} {...props} />;
}
