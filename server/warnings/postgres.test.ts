import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestPostgresWithCity } from '../db/testPostgres';
import { openDb, type Db } from '../db';
import { Twin } from '../twin';
import type { RunManager } from '../runs/manager';
import { distanceToRing, GAUGE_ON_BODY_M, pointInRing } from '../../models/forecast';
import type { WarningPayload } from '../../models/warnings';
import { Warnings } from './warnings';

// The warnings' SQL on PostgreSQL, with two server processes (here: two Warnings, each with its
// own connections) sharing one delivery queue: a gauge over 27 cm warns the grid's subscriber
// exactly once, whichever process claims the row; the all-clear follows.
let pg: Awaited<ReturnType<typeof startTestPostgresWithCity>>;
const dbs: Db[] = [];
const nodes: { twin: Twin; warnings: Warnings }[] = [];
let sink: Server;
let sinkBase: string;
const got: WarningPayload[] = [];
let slug: string;

beforeAll(async () => {
  pg = await startTestPostgresWithCity();
  slug = pg.slug;
  sink = createServer((req, res) => { let s = ''; req.on('data', (c) => (s += c)); req.on('end', () => { got.push(JSON.parse(s) as WarningPayload); res.writeHead(200).end(); }); });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  sinkBase = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
  for (let k = 0; k < 2; k++) {
    const db = await openDb({ url: pg.url });
    dbs.push(db);
    const twin = new Twin(db);
    await twin.city(slug);
    // no runs here: the gauges are the source
    const warnings = new Warnings(db, twin, null as unknown as RunManager, { outbox: { pollMs: 20, baseDelayMs: 100 }, gaugeEveryMs: 0, webhookAllow: ['127.0.0.1'] });
    warnings.start();
    nodes.push({ twin, warnings });
  }
}, 120_000);

afterAll(async () => {
  for (const n of nodes) await n.warnings.close();
  for (const d of dbs) await d.close();
  await new Promise((r) => sink?.close(r));
  pg?.stop();
});

const until = async (what: string, ok: () => boolean, ms = 15_000) => {
  for (const t0 = Date.now(); !ok(); await new Promise((r) => setTimeout(r, 30))) if (Date.now() - t0 > ms) throw new Error(`waited for ${what}`);
};

describe('warnings on PostgreSQL', () => {
  it('two processes share the queue: one warning, one all-clear', async () => {
    const [a, b] = nodes as [typeof nodes[0], typeof nodes[0]];
    const rt = await a.twin.city(slug), c = rt.data.components;
    const bodies = rt.data.water.polygons.map((f) => Array.from({ length: f.length / 2 }, (_, k) => [f[2 * k]!, f[2 * k + 1]!] as [number, number]));
    let i = -1;
    for (let k = 0; k < c.count && i < 0; k++) if (c.classIndex[k] === 7 && bodies.every((p) => !pointInRing(c.x[k]!, c.y[k]!, p) && distanceToRing(c.x[k]!, c.y[k]!, p) > GAUGE_ON_BODY_M)) i = k;
    const grid = rt.data.unitGrids[c.unitGrid[i]!]!.code;
    const s = await a.warnings.subscribe({ city: slug, target: { kind: 'grid', code: grid }, channel: { kind: 'webhook', url: `${sinkBase}/pg` }, lang: 'zh' }, 'test');
    await until('the code', () => got.length === 1);
    await b.warnings.confirm(s.id, got[0]!.code!);
    const reading = async (value: number) => {
      await a.twin.ingest({ city: slug, changes: [{ componentCode: c.codes[i]!, state: 'intact', value }] }, 'api');
      await a.warnings.fromGauges();
    };
    await reading(0.4);
    await until('the warning', () => got.some((g) => g.type === 'flood.warning'));
    expect((await b.warnings.evacuation(slug)).grids).toEqual([expect.objectContaining({ code: grid, colour: 'red', depthCm: 40, source: 'gauge' })]);
    await reading(0.05);
    await until('the all-clear', () => got.some((g) => g.type === 'flood.allclear'));
    await new Promise((r) => setTimeout(r, 300));
    expect(got.map((g) => g.type)).toEqual(['subscription.confirm', 'flood.warning', 'flood.allclear']);
    expect((await b.warnings.duty(slug)).deliveries.map((d) => [d.kind, d.status, d.attempts])).toEqual([['allclear', 'delivered', 1], ['warning', 'delivered', 1], ['confirm', 'delivered', 1]]);
  });
});
