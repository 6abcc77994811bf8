'use client';
import { useI18n } from '../../i18n';
import { Field, NumField } from './fields';

type Item = Record<string, unknown>;
type Pt = [number, number];

/**
 * Drainage zones: districts whose pipes take a different rate (an upgrade), as a polygon of
 * points (typed or taken from the selection) and a capacity in mm/h. A new zone is a 200 m square
 * around the selection. A zone given by return period (through the API) is kept as stored.
 */
export function DrainageZones({ items, set, pick }: { items: Item[]; set(path: string, v: unknown): void; pick: Pt | null }) {
  const { t } = useI18n();
  const square = (c: Pt): Pt[] => [[c[0] - 100, c[1] - 100], [c[0] + 100, c[1] - 100], [c[0] + 100, c[1] + 100], [c[0] - 100, c[1] + 100]];
  return (
    <div className="wide fac-list" data-testid="list-drainageZones">
      <div className="fac-head">
        <h4>{t('zones.title')} <span className="muted">{items.length || ''}</span></h4>
        <button type="button" className="btn small" data-testid="zone-add"
          onClick={() => set('drainageZones', [...items, { name: `D${items.length + 1}`, polygon: { ring: square(pick ?? [0, 0]) }, drainage: { rainMmPerH: 60 } }])}>+ {t('list.add')}</button>
      </div>
      {items.map((it, k) => {
        const p = `drainageZones.${k}`;
        const ring = ((it.polygon as { ring?: Pt[] } | undefined)?.ring) ?? [];
        const d = it.drainage as { rainMmPerH?: number } | undefined;
        return (
          <div key={k} className="fac-item">
            <Field path={`${p}.name`} label={t('list.name')}>
              <input type="text" value={String(it.name ?? '')} onChange={(e) => set(`${p}.name`, e.target.value || undefined)} />
            </Field>
            {d && 'rainMmPerH' in d
              ? <Field path={`${p}.drainage.rainMmPerH`} label={t('drain.capacity')} unit="mm/h">
                  <NumField min={0} value={d.rainMmPerH} onChange={(v) => set(`${p}.drainage.rainMmPerH`, v)} />
                </Field>
              : <p className="sf-note">{t('zones.kept')}</p>}
            <Field path={`${p}.polygon.ring`} label={t('zones.ring')} wide>
              <div className="pts">
                {ring.map((q, j) => (
                  <span key={j} className="pt">
                    <NumField ariaLabel={`x${j + 1}`} value={q[0]} onChange={(v) => set(`${p}.polygon.ring.${j}.0`, v)} />
                    <NumField ariaLabel={`y${j + 1}`} value={q[1]} onChange={(v) => set(`${p}.polygon.ring.${j}.1`, v)} />
                    <button type="button" className="icon-btn" aria-label={t('list.remove')} disabled={ring.length <= 3} onClick={() => set(`${p}.polygon.ring`, ring.filter((_, i) => i !== j))}>×</button>
                  </span>
                ))}
              </div>
            </Field>
            <div className="fac-actions">
              <button type="button" className="btn small" disabled={!pick} onClick={() => pick && set(`${p}.polygon.ring`, [...ring, pick])}>{t('list.addSelection')}</button>
              <button type="button" className="btn small ghost" onClick={() => set('drainageZones', items.filter((_, j) => j !== k))}>{t('list.remove')}</button>
            </div>
          </div>
        );
      })}
    </div>
  );
}
