// The twin as users get it, for the browser halves of the benches (cockpit.ts, live.ts): the Next
// production build (made if missing), then server/main.ts on `port` with its data in `dataDir`
// (the cached huaibei city), the simulator driving 100,000 changes/s. Resolves once /healthz answers.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export async function startBuiltTwin(o: { port: number; dataDir: string; waitMs: number }): Promise<{ stop(): Promise<void> }> {
  await new Promise<void>((resolve, reject) => {
    const b = spawn(process.execPath, [join(root, 'scripts', 'ensure-build.mjs')], { cwd: root, stdio: 'inherit' });
    b.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`next build failed (${code})`))));
  });
  const app = spawn(process.execPath, ['--import', 'tsx', join(root, 'server', 'main.ts')], {
    cwd: root,
    env: {
      ...process.env, NODE_ENV: 'production', PORT: String(o.port), HOST: '127.0.0.1', DATA_DIR: o.dataDir, DEFAULT_CITY_PRESET: 'huaibei',
      SIMULATOR: 'on', SIMULATOR_RATE: '100000', MQTT: 'off', LOG_LEVEL: 'warn', NEXT_TELEMETRY_DISABLED: '1',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const stop = async () => {
    if (app.exitCode !== null || app.signalCode !== null) return; // already gone: no exit event to wait for
    app.kill('SIGTERM');
    await new Promise((r) => app.once('exit', r));
  };
  try {
    const t0 = Date.now();
    for (;;) {
      if (app.exitCode !== null) throw new Error(`twin server exited with ${app.exitCode}`);
      if (await fetch(`http://127.0.0.1:${o.port}/healthz`).then((r) => r.ok).catch(() => false)) break;
      if (Date.now() - t0 > o.waitMs) throw new Error(`twin server did not answer /healthz within ${o.waitMs / 60_000} min`);
      await new Promise((r) => setTimeout(r, 500));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { stop };
}
