// The cockpit's vital signs (cockpit.summary): components, grid colours, alarms and gauges from
// the live state in memory; cases and their rates from the case store; rain and the flood
// outlook from the latest succeeded "start from now" forecast run. One call per screen every few
// seconds: each part is a pass over arrays already in memory or one small query.
import { CASE_READ_ROLES, OPEN_STATES } from '../../models/cases';
import { COMPONENT_CLASSES, STATE_CODE } from '../../models/components';
import { ROLLUP_COLUMNS, ROLLUP_STALE, STALE_BIT, STATE_MASK } from '../../models/live';
import { DEPTH_THRESHOLDS } from '../../models/scenario';
import { impactSchema } from '../../models/runs';
import type { SessionUser } from '../../models/accounts';
import { ecefToEnu, geodeticToEcef } from '../../models/geo';
import { outlookPoints, rainAt, type CockpitOutlook, type CockpitSummary } from '../../models/cockpit';
import type { CaseStore } from '../cases/store';
import type { RunManager } from '../runs/manager';
import type { Db } from '../db';
import type { CityRuntime, Twin } from '../twin';
import type { Warnings } from '../warnings/warnings';

const LEVEL_CLASSES = new Set(COMPONENT_CLASSES.filter((c) => c.telemetry === 'level').map((c) => c.index));
/** a gauge warns at the one-lane design depth (GB 51222: 15 cm), as the simulator and impacts do */
export const GAUGE_WARNING_M = DEPTH_THRESHOLDS[0];
const MAX_ALERTS = 30;
const MAX_GAUGES = 12;
const TOP = 8;

/** Who sees the case part of the cockpit: the case readers and the presenter. */
export const COCKPIT_CASE_ROLES = [...CASE_READ_ROLES, 'presenter'] as const;

export interface CockpitDeps { db: Db; twin: Twin; cases: CaseStore | null; runs: RunManager | null; warnings?: Warnings | null }

/** A wall of 20 screens asks every 5 s each: they share one answer per city and case view for this long. */
const SHARE_MS = 2000;
const shared = new WeakMap<Twin, Map<string, { at: number; answer: Promise<CockpitSummary> }>>();

/** cockpitSummary, shared between the screens that would get the same answer within SHARE_MS. */
export function cockpitSummaryShared(deps: CockpitDeps, slug: string, user: SessionUser | null): Promise<CockpitSummary> {
  let byKey = shared.get(deps.twin);
  if (!byKey) shared.set(deps.twin, (byKey = new Map()));
  const now = Date.now();
  // the case part depends on the role (and a department handler's department)
  const key = `${slug}|${user?.role ?? ''}|${user?.role === 'department' ? user.department : ''}`;
  const hit = byKey.get(key);
  if (hit && now - hit.at < SHARE_MS) return hit.answer;
  if (byKey.size > 100) byKey.clear();
  const answer = cockpitSummary(deps, slug, user, now);
  byKey.set(key, { at: now, answer });
  answer.catch(() => byKey.delete(key));
  return answer;
}

export async function cockpitSummary(deps: CockpitDeps, slug: string, user: SessionUser | null, now = Date.now()): Promise<CockpitSummary> {
  const city = await deps.twin.city(slug);
  const caseView = user && (COCKPIT_CASE_ROLES as readonly string[]).includes(user.role) && deps.cases ? await casesPart(deps.cases, city, user, now) : null;
  const forecast = deps.runs ? await latestForecast(deps, slug, now) : { outlook: null, forecastMmPerH: null, nowMmPerH: null };
  return {
    at: now,
    ...componentsPart(city),
    cases: caseView,
    rain: { nowMmPerH: forecast.nowMmPerH, forecastMmPerH: forecast.forecastMmPerH },
    ...gaugesPart(city),
    alerts: alertsPart(city),
    places: city.data.pronePoints.slice(0, 40).map((p) => ({ name: p.name, x: p.x, y: p.y })),
    outlook: forecast.outlook,
    evacuation: deps.warnings ? await evacuationPart(deps.warnings, slug) : null,
  };
}

/** red (evacuate now) and yellow grids of the city's active flood warnings (server/warnings) */
async function evacuationPart(warnings: Warnings, slug: string): Promise<CockpitSummary['evacuation']> {
  const { grids } = await warnings.evacuation(slug);
  return { red: grids.filter((g) => g.colour === 'red').length, yellow: grids.filter((g) => g.colour === 'yellow').length };
}

function componentsPart(city: CityRuntime): Pick<CockpitSummary, 'components' | 'gridLevels'> {
  const live = city.live;
  const sums = new Float64Array(ROLLUP_COLUMNS);
  for (let g = 0; g < live.gridCount; g++) for (let k = 0; k < ROLLUP_COLUMNS; k++) sums[k] += live.rollup[g * ROLLUP_COLUMNS + k]!;
  const gridLevels = [0, 0, 0, 0, 0];
  for (let g = 0; g < live.gridCount; g++) gridLevels[Math.min(4, live.level[g]!)]!++;
  const total = live.states.length;
  // online: reports (or needs none) and is not silent past its interval
  const online = total - sums[STATE_CODE.offline]! - sums[ROLLUP_STALE]!;
  return {
    components: { total, online: Math.max(0, online), intact: sums[STATE_CODE.intact]! + sums[STATE_CODE.active]!, alarm: sums[STATE_CODE.alarm]!, warning: sums[STATE_CODE.warning]! },
    gridLevels,
  };
}

/** Components in alarm now, the most recent report first (bounded). */
function alertsPart(city: CityRuntime): CockpitSummary['alerts'] {
  const live = city.live, c = city.data.components;
  const out: { i: number; at: number }[] = [];
  for (let i = 0; i < live.states.length; i++) {
    if ((live.states[i]! & STATE_MASK) !== STATE_CODE.alarm || live.states[i]! & STALE_BIT) continue;
    out.push({ i, at: live.lastReportMs[i]! });
  }
  out.sort((a, b) => b.at - a.at || a.i - b.i);
  return out.slice(0, MAX_ALERTS).map(({ i, at }) => {
    const v = live.values[i]!;
    return { index: i, code: c.codes[i]!, classCode: COMPONENT_CLASSES[c.classIndex[i]!]?.code ?? '', at, value: Number.isFinite(v) ? v : null, unitGrid: c.unitGrid[i]! };
  });
}

/** Level gauges, the deepest first, against the warning level. */
function gaugesPart(city: CityRuntime): Pick<CockpitSummary, 'gauges' | 'gaugesOverWarning'> {
  const live = city.live, c = city.data.components;
  const list: CockpitSummary['gauges'] = [];
  let over = 0;
  for (let i = 0; i < c.count; i++) {
    if (!LEVEL_CLASSES.has(c.classIndex[i]!)) continue;
    const st = live.states[i]!, v = live.values[i]!;
    const ok = Number.isFinite(v) && !(st & STALE_BIT) && (st & STATE_MASK) !== STATE_CODE.offline;
    if (ok && v >= GAUGE_WARNING_M) over++;
    list.push({ index: i, code: c.codes[i]!, depthM: ok ? v : null, warnM: GAUGE_WARNING_M });
  }
  list.sort((a, b) => (b.depthM ?? -1) - (a.depthM ?? -1));
  return { gauges: list.slice(0, MAX_GAUGES), gaugesOverWarning: over };
}

const localDate = (t: number, offsetMin: number) => new Date(t + offsetMin * 60_000).toISOString().slice(0, 10);
const top = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, TOP).map(([key, count]) => ({ key, count }));

async function casesPart(cases: CaseStore, runtime: CityRuntime, user: SessionUser, now: number): Promise<NonNullable<CockpitSummary['cases']>> {
  const city = runtime.slug;
  // every open case, newest first (an alarm storm opens thousands of sensor cases: all are counted)
  const open = await cases.list(city, [...OPEN_STATES], user, null);
  const m = runtime.data.meta;
  const origin = { lonDeg: m.originLonDeg, latDeg: m.originLatDeg, heightM: m.originHeightM };
  const recent = open.filter((r) => r.lonDeg !== null && r.latDeg !== null).slice(0, 12).map((r) => {
    const [x, y] = ecefToEnu(geodeticToEcef({ lonDeg: r.lonDeg!, latDeg: r.latDeg!, heightM: m.originHeightM }), origin);
    return { number: r.number, classCode: r.classCode, x, y };
  });
  const byClass = new Map<string, number>(), byDept = new Map<string, number>(), byGrid = new Map<string, number>();
  let overdue = 0;
  for (const r of open) {
    if (r.limit?.colour === 'red') overdue++;
    byClass.set(r.classCode, (byClass.get(r.classCode) ?? 0) + 1);
    byDept.set(r.department ?? '—', (byDept.get(r.department ?? '—') ?? 0) + 1);
    byGrid.set(r.unitGridCode ?? '—', (byGrid.get(r.unitGridCode ?? '—') ?? 0) + 1);
  }
  const cal = await cases.calendar();
  const today = localDate(now, cal.utcOffsetMin);
  const rates = async (from: string) => {
    const rows = await cases.indicators({ city, by: 'department', from, to: today });
    let due = 0, closed = 0, onTime = 0;
    for (const r of rows) { due += r.due; closed += r.closed; onTime += r.onTimeClosed; }
    const pct = (n: number) => (due ? Math.round((1000 * n) / due) / 10 : null);
    return [pct(closed), pct(onTime)] as const;
  };
  const [todayClosureRate, todayOnTimeRate] = await rates(today);
  const [monthClosureRate, monthOnTimeRate] = await rates(`${today.slice(0, 8)}01`);
  return { open: open.length, overdue, todayClosureRate, todayOnTimeRate, monthClosureRate, monthOnTimeRate, byClass: top(byClass), byDepartment: top(byDept), byGrid: top(byGrid), recent };
}

interface ForecastPart { outlook: CockpitOutlook | null; nowMmPerH: number | null; forecastMmPerH: number | null }

/** The newest succeeded run of a "start from now" scenario: its rain now and next hour, and which prone points it floods when. */
async function latestForecast(deps: CockpitDeps, slug: string, now: number): Promise<ForecastPart> {
  const { rows } = await deps.db.query<{ id: string; scenario_name: string; finished_at: Date | string | null; scenario: { rainfall?: { type?: string; table?: { time: number; rainMmPerH: number }[] }; forecast?: { madeAt: string; nowS: number } } }>(
    `select id, scenario_name, finished_at, scenario from runs where city = $1 and status = 'succeeded' and scenario ? 'forecast' order by finished_at desc nulls last limit 1`, [slug]);
  const run = rows[0];
  if (!run?.scenario.forecast) return { outlook: null, nowMmPerH: null, forecastMmPerH: null };
  const f = run.scenario.forecast;
  const table = run.scenario.rainfall?.type === 'table' ? run.scenario.rainfall.table ?? [] : [];
  // "now" on the run's clock moves on from when the forecast was made
  const tNow = f.nowS + Math.max(0, (now - Date.parse(f.madeAt)) / 1000);
  const rain = rainAt(table, tNow);
  let points: CockpitOutlook['points'] = [];
  try {
    const impact = await deps.runs!.result(run.id, 'impact.json', impactSchema);
    const city = (await deps.twin.city(slug)).data;
    const names = new Map(city.pronePoints.map((p) => [p.id, p.name.zh]));
    points = outlookPoints(impact.pronePoints, names, tNow);
  } catch { /* a run whose impact file is gone shows its rain without points */ }
  const finishedAt = run.finished_at ? new Date(run.finished_at).toISOString() : null;
  return { outlook: { runId: run.id, scenarioName: run.scenario_name, finishedAt, points }, nowMmPerH: rain.nowMmPerH, forecastMmPerH: rain.nextHourMmPerH };
}
