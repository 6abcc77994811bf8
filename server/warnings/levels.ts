// Per unit grid, how deep a run or the live gauges put it, and the colour that follows
// (models/warnings.ts evacuationColour). Only grids that are not green are returned.
import type { ImpactResult, RunRecord } from '../../models/runs';
import { EVACUATE_CM, PREPARE_CM, evacuationColour, type EvacuationColour } from '../../models/warnings';
import { distanceToRing, GAUGE_ON_BODY_M, pointInRing } from '../../models/forecast';
import type { CityData } from '../../models/city';
import type { ForecastInfo } from '../../models/forecastInfo';
import { gaugesNow } from '../runs/forecast';
import { COMPONENT_CLASSES } from '../../models/components';

const GAUGE_CLASS = COMPONENT_CLASSES.find((c) => c.code === '01067')!.index;
import type { CityRuntime } from '../twin';

export interface GridLevel { colour: Exclude<EvacuationColour, 'green'>; depthCm: number; fromAt: string; why: { zh: string; en: string } }


/**
 * A run's grids, from its prone points (易积水点: the places the city lists as flooding, as the
 * flood warning cases of server/cases/flood.ts use): a grid takes its deepest point. "From when":
 * a forecast's clock starts at its `madeAt` minus its `nowS`; any other run is read as a storm
 * starting when the run was made.
 */
export function runLevels(city: CityData, run: Pick<RunRecord, 'createdAt' | 'scenarioName'>, impact: Pick<ImpactResult, 'pronePoints'>, forecast?: Pick<ForecastInfo, 'madeAt' | 'nowS'>): Map<number, GridLevel> {
  const t0 = forecast ? Date.parse(forecast.madeAt) - forecast.nowS * 1000 : Date.parse(run.createdAt);
  const floor = forecast ? Date.parse(forecast.madeAt) : t0;
  const byId = new Map(city.pronePoints.map((p) => [p.id, p]));
  const out = new Map<number, GridLevel & { name: { zh: string; en: string } }>();
  for (const p of impact.pronePoints) {
    const point = byId.get(p.id);
    if (!point) continue;
    const depthCm = Math.round(p.maxDepth_m * 100);
    const colour = evacuationColour(depthCm);
    if (colour === 'green') continue;
    const prev = out.get(point.unitGrid);
    if (prev && prev.depthCm >= depthCm) continue;
    const overS = (colour === 'red' ? p.over27cm_s : p.over15cm_s) ?? 0;
    out.set(point.unitGrid, {
      colour, depthCm, name: point.name, fromAt: new Date(Math.max(floor, t0 + overS * 1000)).toISOString(),
      why: {
        zh: `${forecast ? '预报' : '情景'}「${run.scenarioName}」：易积水点 ${point.name.zh} 最深 ${depthCm} cm（${colour === 'red' ? `超过 ${EVACUATE_CM} cm` : `超过 ${PREPARE_CM} cm`}）`,
        en: `${forecast ? 'Forecast' : 'Scenario'} "${run.scenarioName}": prone point ${point.name.en} up to ${depthCm} cm (${colour === 'red' ? `over ${EVACUATE_CM} cm` : `over ${PREPARE_CM} cm`})`,
      },
    });
  }
  return out;
}

/** per city (a re-import is a new object): its gauges' indices by code, and its water bodies as rings */
const street = new WeakMap<CityData, { index: Map<string, number>; bodies: [number, number][][] }>();
function streetOf(data: CityData) {
  let s = street.get(data);
  if (!s) {
    const c = data.components, index = new Map<string, number>();
    for (let i = 0; i < c.count; i++) if (c.classIndex[i] === GAUGE_CLASS) index.set(c.codes[i]!, i);
    const bodies = data.water.polygons.map((flat) => Array.from({ length: flat.length / 2 }, (_, k) => [flat[2 * k]!, flat[2 * k + 1]!] as [number, number]));
    street.set(data, (s = { index, bodies }));
  }
  return s;
}

/**
 * The live gauges' grids: a street gauge (not on a river or pond, where depth is the body's, not
 * a street's) of a real source (ingest or MQTT; the simulator's readings warn nobody) reading
 * over a threshold colours its grid now.
 */
export function gaugeLevels(city: CityRuntime, now = new Date()): Map<number, GridLevel> {
  const { gauges } = gaugesNow(city);
  const c = city.data.components, out = new Map<number, GridLevel>();
  const { index, bodies } = streetOf(city.data);
  for (const g of gauges) {
    if (g.depthM === null) continue;
    const i = index.get(g.code);
    if (i === undefined || !city.real[i]) continue;
    const depthCm = Math.round(g.depthM * 100);
    const colour = evacuationColour(depthCm);
    if (colour === 'green') continue;
    if (bodies.some((b) => pointInRing(g.x, g.y, b) || distanceToRing(g.x, g.y, b) <= GAUGE_ON_BODY_M)) continue;
    const grid = c.unitGrid[i]!;
    if ((out.get(grid)?.depthCm ?? -1) >= depthCm) continue;
    out.set(grid, {
      colour, depthCm, fromAt: now.toISOString(),
      why: { zh: `水位计 ${g.code} 实测积水 ${depthCm} cm`, en: `gauge ${g.code} reads ${depthCm} cm of water` },
    });
  }
  return out;
}
