// What a subscriber hears is per grid, over both sources (a run's forecast and the live gauges):
// one warning when the grid turns red, no all-clear while either source keeps it red.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../db';
import { applyLevels, warnNewSubscriber } from './events';
import type { GridLevel } from './levels';

const CITY = 'c', CODES = ['330502001001001', '330502001001002'];
const red = (depthCm: number): GridLevel => ({ colour: 'red', depthCm, fromAt: new Date().toISOString(), why: { zh: '测试', en: 'test' } });
const levels = (entries: [number, GridLevel][]) => new Map(entries);
let db: Db;

async function subscribe(grid: string): Promise<string> {
  const id = randomUUID();
  await db.query(`insert into warning_subscriptions (id, city, unit_grid_code, place_zh, place_en, channel, address, lang, confirm_hash, confirmed_at)
    values ($1, $2, $3, '某路', 'A road', 'sms', '+8613812345678', 'zh', 'x', now())`, [id, CITY, grid]);
  return id;
}
const heard = async (sub: string) => (await db.query<{ kind: string }>(
  `select kind from warning_deliveries where subscription_id = $1 and kind <> 'confirm' order by created_at, kind desc`, [sub])).rows.map((r) => r.kind);

beforeAll(async () => { db = await openDb({}); });
afterAll(async () => { await db?.close(); });

describe('warnings per grid over both sources', () => {
  it('warns once when a second source says red too, and clears only when neither does', async () => {
    const a = await subscribe(CODES[0]!);
    await applyLevels(db, CITY, CODES, 'run', null, levels([[0, red(41)]]));
    expect(await heard(a)).toEqual(['warning']);
    // the gauge at the same grid reads 30 cm: the grid was red already
    await applyLevels(db, CITY, CODES, 'gauge', null, levels([[0, red(30)]]));
    expect(await heard(a)).toEqual(['warning']);
    // the gauge falls back while the forecast still floods the grid: no all-clear
    await applyLevels(db, CITY, CODES, 'gauge', null, levels([]));
    expect(await heard(a)).toEqual(['warning']);
    // a later forecast no longer floods it: now the all-clear, once
    await applyLevels(db, CITY, CODES, 'run', null, levels([]));
    expect(await heard(a)).toEqual(['warning', 'allclear']);
    // red again later (the gauge): a new warning, and its all-clear
    await applyLevels(db, CITY, CODES, 'gauge', null, levels([[0, red(28)]]));
    await applyLevels(db, CITY, CODES, 'gauge', null, levels([]));
    expect(await heard(a)).toEqual(['warning', 'allclear', 'warning', 'allclear']);
  });

  it('the gauge first, then the forecast ends before the gauge: the all-clear follows the gauge', async () => {
    const b = await subscribe(CODES[1]!);
    await applyLevels(db, CITY, CODES, 'gauge', null, levels([[1, red(35)]]));
    await applyLevels(db, CITY, CODES, 'run', null, levels([[1, red(50)]]));
    await applyLevels(db, CITY, CODES, 'run', null, levels([]));
    expect(await heard(b)).toEqual(['warning']);
    // a subscriber confirmed now, while both sources say red, hears one warning
    const c = await subscribe(CODES[1]!);
    await applyLevels(db, CITY, CODES, 'run', null, levels([[1, red(45)]]));
    expect(await heard(c)).toEqual(['warning']);
    const d = await subscribe(CODES[1]!);
    await db.transaction((tx) => warnNewSubscriber(tx, CITY, { id: d, place_zh: '某路', place_en: 'A road', unit_grid_code: CODES[1]! }));
    expect(await heard(d)).toEqual(['warning']);
    await applyLevels(db, CITY, CODES, 'gauge', null, levels([]));
    expect(await heard(b)).toEqual(['warning']);
    await applyLevels(db, CITY, CODES, 'run', null, levels([]));
    for (const s of [b, c, d]) expect(await heard(s)).toEqual(['warning', 'allclear']);
  });
});
