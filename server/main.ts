import next from 'next';
import { LAYER_NAMES } from '../models/layers';
import { loadEnv } from './env';
import { createTwinServer } from './app';
import { log } from './log';
import { resolveIngestToken } from './secrets';

// The one process: Next pages, tRPC, binary layers, socket.io, simulator, on one port.
async function main() {
  // Air-gapped: Next's telemetry would call out to the internet.
  process.env.NEXT_TELEMETRY_DISABLED ??= '1';
  const env = loadEnv();
  const ingest = resolveIngestToken(env);
  if (ingest.origin === 'generated') {
    // Shown this once; afterwards it is read from the file (owner-only) by whoever needs it.
    process.stdout.write(`\nINGEST_TOKEN generated and stored in ${ingest.file} (mode 0600):\n  ${ingest.token}\n`
      + 'Use it as "Authorization: Bearer <token>" for ingest and as the MQTT password (user twin).\n\n');
  }
  const dev = env.NODE_ENV === 'development';
  const t0 = performance.now();
  const app = next({ dev, dir: process.cwd(), turbopack: dev });
  await app.prepare();
  const handle = app.getRequestHandler();
  const twin = await createTwinServer({
    env: { ...env, INGEST_TOKEN: ingest.token },
    next: { handle: (req, res) => void handle(req, res), upgrade: dev ? app.getUpgradeHandler() : undefined },
  });
  await new Promise<void>((resolve) => twin.server.listen(env.PORT, env.HOST, resolve));
  // Each city's binary layers (the ground rasters are painted here) encoded once, in the background
  // after the port is open, one layer per turn of the event loop: start-up does not grow with the
  // cities, and a visitor rarely pays for the painting.
  const warm = [...twin.twin.cities.values()].flatMap((city) => LAYER_NAMES.map((name) => () => twin.twin.layer(city, name)));
  const addr = twin.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : env.PORT;
  // Then each city's twin page once: Next loads a page's server code on its first request, which
  // cost the first visitor about a second before any byte of the page came.
  const self = `http://${env.HOST === '0.0.0.0' || env.HOST === '::' ? '127.0.0.1' : env.HOST.includes(':') ? `[${env.HOST}]` : env.HOST}:${port}`;
  const pages = [...twin.twin.cities.keys()].map((slug) => `/twin/${encodeURIComponent(slug)}`);
  const warmPage = () => {
    const path = pages.shift();
    if (path) void fetch(self + path).then((r) => r.arrayBuffer(), () => null).finally(warmPage);
  };
  const encodeNext = () => { const job = warm.shift(); if (job) { job(); setImmediate(encodeNext); } else warmPage(); };
  setImmediate(encodeNext);
  log.info({ port, dev, db: twin.db.kind, cities: [...twin.twin.cities.keys()], startMs: Math.round(performance.now() - t0) },
    `city twin ready on http://localhost:${port}`);
  if (twin.setupToken) {
    // printed, not logged as a field: the operator opens it once to create the first administrator
    log.warn(`no administrator yet: open http://localhost:${port}/setup#${twin.setupToken} once to create one (or: npm run twin -- user add <name> --role administrator)`);
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await twin.close();
    await app.close?.();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  log.fatal({ err }, err instanceof Error ? err.message : String(err));
  process.exit(1);
});
