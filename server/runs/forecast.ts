// "Start from now" on the server: the city's level gauges as they read now (live state), turned
// into a forecast scenario by models/forecast.ts and stored in the library like any scenario.
import { COMPONENT_CLASSES, STATE_CODE } from '../../models/components';
import { STALE_BIT, STATE_MASK } from '../../models/live';
import { forecastScenario, waterFromGauges, type GaugeNow } from '../../models/forecast';
import type { ForecastCreateInput, ForecastNow } from '../../models/forecastInfo';
import { scenarioTemplate, type ScenarioRecord } from '../../models/runs';
import type { CityRuntime, Twin } from '../twin';
import type { ScenarioLibrary } from './library';

const LEVEL_CLASSES = new Set(COMPONENT_CLASSES.filter((c) => c.telemetry === 'level').map((c) => c.index));
// a gauge in one of these states (or stale) gives no reading to start from
const NO_READING = new Set([STATE_CODE.damaged, STATE_CODE.missing, STATE_CODE.abandoned, STATE_CODE.removed, STATE_CODE.offline]);

/** The city's level gauges now: reading (water depth, m) over the component's height. */
export function gaugesNow(city: CityRuntime): { gauges: GaugeNow[]; silent: number } {
  const c = city.data.components, live = city.live;
  const gauges: GaugeNow[] = [];
  let silent = 0;
  for (let i = 0; i < c.count; i++) {
    if (!LEVEL_CLASSES.has(c.classIndex[i]!)) continue;
    const st = live.states[i]!, v = live.values[i]!;
    const ok = Number.isFinite(v) && !(st & STALE_BIT) && !NO_READING.has(st & STATE_MASK);
    if (!ok) silent++;
    gauges.push({ code: c.codes[i]!, x: c.x[i]!, y: c.y[i]!, groundM: c.z[i]!, depthM: ok ? v : null });
  }
  return { gauges, silent };
}

const bodiesOf = (city: CityRuntime) =>
  city.data.water.polygons.map((flat) => Array.from({ length: flat.length / 2 }, (_, k) => [flat[2 * k]!, flat[2 * k + 1]!] as [number, number]));

export async function forecastNow(twin: Twin, slug: string): Promise<ForecastNow> {
  const city = await twin.city(slug);
  const { gauges, silent } = gaugesNow(city);
  const w = waterFromGauges(gauges, bodiesOf(city), city.data.water.levelM, { streetPonding: true });
  return { madeAt: new Date().toISOString(), normalLevelM: city.data.water.levelM, gauges: w.gauges, bodies: w.bodies, silentGauges: silent };
}

export async function createForecast(twin: Twin, library: ScenarioLibrary, input: ForecastCreateInput): Promise<ScenarioRecord> {
  const city = await twin.city(input.city);
  const base = scenarioTemplate(input.name);
  // the pipes' design return period needs a formula when the rain is a table
  base.drainage = { returnPeriodYears: 2, formula: 'beijing' };
  const doc = forecastScenario({
    name: input.name, rows: input.rows, horizonH: input.horizonH, madeAt: new Date().toISOString(),
    gauges: gaugesNow(city).gauges, bodies: bodiesOf(city), normalLevelM: city.data.water.levelM, base,
  });
  return library.create(input.city, input.name, doc as unknown as Record<string, unknown>);
}
