// Impact of a run on a city (filled in once the city model lands).
import type { Problem } from './prepare';
import type { RunResult } from './runner';
export async function cityImpact(_p: Problem, _r: RunResult): Promise<unknown> {
  return undefined;
}
