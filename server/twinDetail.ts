// What the inspector shows of a component or a unit grid, read from a city in memory alone (no
// database): Twin's detail methods, apart from its loading and ingest paths.
import type { ComponentDetail, UnitGridDetail } from '../models/city';
import { COMPONENT_CLASSES, COMPONENT_STATES, stateKeyOf, type ComponentStateKey } from '../models/components';
import { ROLLUP_COLUMNS, ROLLUP_STALE, STALE_BIT, STATE_MASK } from '../models/live';
import { enuToGeodetic } from '../models/geo';
import { NotFoundError } from './errors';
import type { CityRuntime } from './twin';

/** A component as it is now, from memory alone (no history read): for callers that handle many at once. */
export function componentNow(city: CityRuntime, index: number): Omit<ComponentDetail, 'history'> {
  const c = city.data.components;
  if (!Number.isInteger(index) || index < 0 || index >= c.count) throw new NotFoundError(`city "${city.slug}" has no component #${index}`);
  const cls = COMPONENT_CLASSES[c.classIndex[index]!]!;
  const grid = city.data.unitGrids[c.unitGrid[index]!]!;
  const g = enuToGeodetic([c.x[index]!, c.y[index]!, c.z[index]!], {
    lonDeg: city.data.meta.originLonDeg, latDeg: city.data.meta.originLatDeg, heightM: city.data.meta.originHeightM,
  });
  const v = city.live.values[index]!;
  const last = city.live.lastReportMs[index]!;
  const dept = (i: number) => city.data.departments[i] ?? { zh: '未知', en: 'Unknown' };
  return {
    index,
    code: c.codes[index]!,
    classCode: cls.code,
    className: { zh: cls.zh, en: cls.en },
    state: stateKeyOf(city.live.states[index]! & STATE_MASK),
    stale: (city.live.states[index]! & STALE_BIT) !== 0,
    value: Number.isFinite(v) ? v : null,
    lastReportAt: last > 0 ? new Date(last).toISOString() : null,
    ownerDept: dept(c.ownerDept[index]!),
    maintainerDept: dept(c.maintainerDept[index]!),
    unitGridCode: grid.code,
    responsibilityGridCode: city.data.responsibilityGrids[grid.responsibilityGrid]!.code,
    lonDeg: g.lonDeg,
    latDeg: g.latDeg,
    x: c.x[index]!,
    y: c.y[index]!,
    z: c.z[index]!,
    dataSource: city.real[index] ? 'real' : city.simulated ? 'simulated' : 'registry',
  };
}

/** A unit grid's counts by state and class, its risk level and buildings, from memory. */
export function unitGridDetail(city: CityRuntime, index: number): UnitGridDetail {
  const grid = city.data.unitGrids[index];
  if (!grid || !Number.isInteger(index)) throw new NotFoundError(`city "${city.slug}" has no unit grid #${index}`);
  const counts = city.live.rollup.subarray(index * ROLLUP_COLUMNS, (index + 1) * ROLLUP_COLUMNS);
  const byClass: Record<string, number> = {};
  const c = city.data.components, { start, components } = city.byGrid;
  for (let k = start[index]!; k < start[index + 1]!; k++) {
    const i = components[k]!;
    const code = COMPONENT_CLASSES[c.classIndex[i]!]!.code;
    byClass[code] = (byClass[code] ?? 0) + 1;
  }
  const rg = city.data.responsibilityGrids[grid.responsibilityGrid]!;
  return {
    index,
    code: grid.code,
    responsibilityGrid: { code: rg.code, name: rg.name },
    areaM2: grid.areaM2,
    countsByState: Object.fromEntries(COMPONENT_STATES.map((s) => [s.key, counts[s.code]!])) as Record<ComponentStateKey, number>,
    countsByClass: byClass,
    stale: counts[ROLLUP_STALE]!,
    riskLevel: city.live.level[index]!,
    buildings: city.byGrid.buildings[index]!,
  };
}
