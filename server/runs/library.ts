// The scenario library: per-city scenarios, checked with the API's schema (the CLI's, without
// server file paths) before anything is written; each change is one statement, so a refused or
// failed one leaves the library as it was.
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { cityScenarioSchema, scenarioTemplate, type ScenarioRecord } from '../../models/runs';
import type { Db } from '../db';
import { NotFoundError, type Twin } from '../twin';
import { deleteScenario, getScenario, insertScenario, listScenarios, updateScenario } from './store';

export interface ScenarioIssue { path: string; message: string }

export function scenarioIssues(scenario: unknown): ScenarioIssue[] {
  const r = cityScenarioSchema.safeParse(scenario);
  return r.success ? [] : r.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

/** BAD_REQUEST whose data.issues (init.ts errorFormatter) name each field. */
function refuse(scenario: unknown): void {
  const r = cityScenarioSchema.safeParse(scenario);
  if (r.success) return;
  const first = r.error.issues[0]!;
  throw new TRPCError({ code: 'BAD_REQUEST', message: `invalid scenario: ${first.path.map(String).join('.') || '(root)'}: ${first.message}`, cause: r.error });
}

const isChinese = (s: string) => /[\u3400-\u9fff]/.test(s);

export class ScenarioLibrary {
  constructor(private readonly db: Db, private readonly twin: Twin) {}

  private async cityExists(city: string) {
    await this.twin.city(city); // NotFoundError -> NOT_FOUND
  }

  list(city: string) {
    return listScenarios(this.db, city);
  }

  async get(id: string): Promise<ScenarioRecord> {
    const s = await getScenario(this.db, id);
    if (!s) throw new NotFoundError(`no scenario ${id}`);
    return s;
  }

  async validate(city: string, scenario: unknown): Promise<{ ok: boolean; issues: ScenarioIssue[] }> {
    await this.cityExists(city);
    const issues = scenarioIssues(scenario);
    return { ok: issues.length === 0, issues };
  }

  async create(city: string, name: string, scenario?: Record<string, unknown>): Promise<ScenarioRecord> {
    await this.cityExists(city);
    const doc = scenario ?? scenarioTemplate(name);
    refuse(doc);
    return insertScenario(this.db, city, name, doc);
  }

  async update(id: string, name?: string, scenario?: Record<string, unknown>): Promise<ScenarioRecord> {
    if (scenario !== undefined) refuse(scenario);
    const s = await updateScenario(this.db, id, name, scenario);
    if (!s) throw new NotFoundError(`no scenario ${id}`);
    return s;
  }

  async duplicate(id: string): Promise<ScenarioRecord> {
    const s = await this.get(id);
    const name = z.string().max(120).parse(`${s.name}${isChinese(s.name) ? ' 副本' : ' (copy)'}`.slice(0, 120));
    return insertScenario(this.db, s.city, name, s.scenario);
  }

  async delete(id: string): Promise<{ ok: true }> {
    if (!(await deleteScenario(this.db, id))) throw new NotFoundError(`no scenario ${id}`);
    return { ok: true };
  }
}
