// What a run's result depends on, so it can be reproduced and reused: the engine version
// (package version + a hash of the kernel and its runner's sources) and the input hash (the
// parsed scenario, canonical, plus the ETags of the city layers it reads).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

const KERNEL_SOURCES = ['../sim/kernel.wat', '../sim/kernel.ts', '../sim/runner.ts', '../sim/prepare.ts'];

let cached: string | undefined;

export function engineVersion(): string {
  if (cached) return cached;
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  const h = createHash('sha256');
  for (const f of KERNEL_SOURCES) h.update(readFileSync(new URL(f, import.meta.url)));
  cached = `${pkg.version}+${h.digest('hex').slice(0, 12)}`;
  return cached;
}

/** JSON with object keys sorted at every level: the same document always gives the same text. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

export function inputHash(parsedScenario: unknown, layerEtags: string[]): string {
  return createHash('sha256').update(canonicalJson(parsedScenario)).update('\n').update(layerEtags.join('\n')).digest('hex');
}
