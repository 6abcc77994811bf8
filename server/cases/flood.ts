// Flood warning cases: a succeeded run of a scenario with warning cases on opens one road-
// waterlogging case (0111 道路积水) per unit grid whose prone points (易积水点) the run floods
// past 27 cm (STANDARDS.md: Beijing's red line, the road closes), none for a grid that has such a
// case open already. The run's impact (server/sim/impact.ts) says which points and when.
import { impactSchema, type ImpactResult } from '../../models/runs';
import { enuToGeodetic } from '../../models/geo';
import type { Db } from '../db';
import { NotFoundError, type Twin } from '../twin';
import type { RunManager } from '../runs/manager';
import { log } from '../log';
import type { CaseStore } from './store';

/** The class of a flood warning case: the older city code for road waterlogging. */
export const FLOOD_CASE_CLASS = '0111';

export class FloodWarnings {
  constructor(private readonly db: Db, private readonly twin: Twin, private readonly cases: CaseStore, private readonly runs: RunManager) {}

  async enabled(scenarioId: string): Promise<boolean> {
    const { rows } = await this.db.query<{ warning_cases: boolean }>('select warning_cases from scenarios where id = $1', [scenarioId]);
    if (!rows[0]) throw new NotFoundError(`no scenario ${scenarioId}`);
    return rows[0].warning_cases;
  }

  async setEnabled(scenarioId: string, on: boolean): Promise<boolean> {
    const { rows } = await this.db.query<{ warning_cases: boolean }>('update scenarios set warning_cases = $2 where id = $1 returning warning_cases', [scenarioId, on]);
    if (!rows[0]) throw new NotFoundError(`no scenario ${scenarioId}`);
    return rows[0].warning_cases;
  }

  /** After a run succeeded: its warning cases when its scenario asks for them (the numbers opened). */
  /** `scenario`: the library scenario a reused run's result now stands for (not the one that ran it) */
  async fromRun(runId: string, scenario?: { id: string; name: string }): Promise<string[]> {
    const run = await this.runs.get(runId);
    const sc = scenario ?? (run.scenarioId ? { id: run.scenarioId, name: run.scenarioName } : null);
    if (run.status !== 'succeeded' || !sc) return [];
    if (!(await this.enabled(sc.id).catch(() => false))) return [];
    const opened = await this.fromImpact(run.city, sc.name, await this.runs.result(runId, 'impact.json', impactSchema));
    if (opened.length) log.info({ run: runId, cases: opened }, 'flood run opened warning cases');
    return opened;
  }

  /** One case per unit grid with prone points over 27 cm (at the deepest of them), unless one is open there. */
  async fromImpact(city: string, scenarioName: string, impact: Pick<ImpactResult, 'pronePoints'>): Promise<string[]> {
    const c = (await this.twin.city(city)).data;
    const byId = new Map(c.pronePoints.map((p) => [p.id, p]));
    const grids = new Map<number, { names: string[]; deepest: ImpactResult['pronePoints'][number] }>();
    for (const p of impact.pronePoints) {
      const point = byId.get(p.id);
      if (p.over27cm_s === null || !point) continue;
      const g = grids.get(point.unitGrid);
      if (!g) grids.set(point.unitGrid, { names: [point.name.zh], deepest: p });
      else { g.names.push(point.name.zh); if (p.maxDepth_m > g.deepest.maxDepth_m) g.deepest = p; }
    }
    const origin = { lonDeg: c.meta.originLonDeg, latDeg: c.meta.originLatDeg, heightM: c.meta.originHeightM };
    const opened: string[] = [];
    for (const [gi, g] of grids) {
      const grid = c.unitGrids[gi]!.code;
      const open = await this.db.query("select 1 from cases where city = $1 and source = 'flood' and unit_grid_code = $2 and state not in ('closed', 'evaluated', 'voided', 'selfHandled')", [city, grid]);
      if (open.rows.length) continue;
      const d = g.deepest;
      const at = enuToGeodetic([d.x, d.y, 0], origin);
      const cm = Math.round(d.maxDepth_m * 100), min = Math.round((d.over27cm_s ?? 0) / 60);
      const r = await this.cases.report({
        city, kind: 'event', classCode: FLOOD_CASE_CLASS, lonDeg: at.lonDeg, latDeg: at.latDeg,
        description: `积水预警（情景「${scenarioName}」）：易积水点 ${g.names.join('、')} 超过 27 cm，最深 ${cm} cm，第 ${min} 分钟起 (flood warning, scenario "${scenarioName}": prone points over 27 cm, deepest ${cm} cm from minute ${min})`,
      }, null, 'flood', { unitGridCode: grid });
      opened.push(r.number);
    }
    return opened;
  }
}
