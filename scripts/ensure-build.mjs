// `npm start` builds the production bundle when there is none or when sources are newer than
// it, so the README's one command works on a fresh clone and a restart does not rebuild.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = process.cwd();
const buildId = join(root, '.next', 'BUILD_ID');

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const sources = ['app', 'scene', 'models', 'public', 'next.config.js', 'package.json']
  .map((p) => join(root, p))
  .filter(existsSync)
  .map((p) => (statSync(p).isDirectory() ? newest(p) : statSync(p).mtimeMs));
const builtAt = existsSync(buildId) ? statSync(buildId).mtimeMs : 0;
if (builtAt && builtAt >= Math.max(...sources)) process.exit(0);

console.log(builtAt ? 'sources changed since the last build: building' : 'no production build yet: building (a few minutes on 2 cores)');
// Air-gapped: Next's build telemetry would call out to the internet.
const r = spawnSync(process.execPath, [join(root, 'node_modules/next/dist/bin/next'), 'build'], { stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
process.exit(r.status ?? 1);
