import { expect, type Page } from '@playwright/test';
import { trpcQuery } from './helpers';

// Scenario runs made through the API for the planner specs (workspace, share): a quick city
// scenario, and a run of it waited for until it has succeeded.

export interface E2eRun { id: string; status: string; scenarioId: string }

export const quickScenario = (over: Record<string, unknown> = {}) => ({
  name: 'quick', terrain: { source: 'city' }, buildings: { from: 'city', mode: 'raise', height: 3 },
  cellSize: 25, rainfall: { type: 'design', formula: 'beijing', returnPeriodYears: 100, durationMin: 60, peakCoefficient: 0.355, stepMin: 5 },
  drainage: { returnPeriodYears: 2 }, duration: 3600, outputInterval: 600, ...over,
});

export async function mutate<T>(page: Page, path: string, input: unknown): Promise<T> {
  const res = await page.request.post(`/api/trpc/${path}`, { data: input, headers: { 'content-type': 'application/json' } });
  expect(res.ok(), `${path}: HTTP ${res.status()} ${await res.text()}`).toBeTruthy();
  return ((await res.json()) as { result: { data: T } }).result.data;
}

/** Creates the scenario in the city's library, runs it and waits until it has succeeded. */
export async function runScenario(page: Page, city: string, name: string, scenario: unknown): Promise<E2eRun> {
  const sc = await mutate<{ id: string }>(page, 'scenario.create', { city, name, scenario });
  const { run } = await mutate<{ run: E2eRun }>(page, 'run.start', { scenarioId: sc.id, force: true });
  for (const t0 = Date.now(); Date.now() - t0 < 150_000; await new Promise((r) => setTimeout(r, 500))) {
    const r = await trpcQuery<E2eRun>(page.request, 'run.get', { id: run.id });
    if (r.status === 'succeeded') return r;
    if (r.status === 'failed' || r.status === 'cancelled') throw new Error(`${name}: ${r.status}`);
  }
  throw new Error(`${name}: not finished`);
}
