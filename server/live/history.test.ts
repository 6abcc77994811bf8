import { describe, expect, it } from 'vitest';
import { HistoryWriter } from './history';
import type { Db } from '../db';

function fakeDb() {
  const written: unknown[][] = [];
  let down = true;
  const db = {
    transaction: async (fn: (tx: { query: (sql: string, p: unknown[]) => Promise<{ rows: never[] }> }) => Promise<unknown>) => {
      if (down) throw new Error('database unavailable');
      return fn({ query: async (_sql, p) => { written.push(p); return { rows: [] }; } });
    },
  } as unknown as Db;
  return { db, written, up: () => { down = false; } };
}

describe('HistoryWriter', () => {
  it('keeps rows while the database is down, in order, and writes them once it is back', async () => {
    const f = fakeDb();
    const h = new HistoryWriter(f.db);
    h.push(1, 10, 1000, 1, NaN, 'simulator');
    await expect(h.flush()).rejects.toThrow(/unavailable/);
    h.push(1, 11, 2000, 2, 0.5, 'api');
    expect(h.pending).toBe(2);
    f.up();
    expect(await h.flush()).toBe(2);
    expect(f.written[0]![1]).toEqual([10, 11]);
    expect(f.written[0]![4]).toEqual([null, 0.5]);
    expect(h.pending).toBe(0);
  });

  it('bounds what it keeps: the oldest rows go first', async () => {
    const f = fakeDb();
    const h = new HistoryWriter(f.db);
    for (let i = 0; i < 200_010; i++) h.push(1, i, i, 0, NaN, 'simulator');
    await expect(h.flush()).rejects.toThrow();
    expect(h.pending).toBe(200_000);
    f.up();
    await h.flush();
    expect((f.written[0]![1] as number[])[0]).toBe(10);
  });
});
