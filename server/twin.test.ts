import { describe, expect, it } from 'vitest';
import type { CityData } from '../models/city';
import type { Db } from './db';
import { APPLY_CHUNK, gridIndex, Twin, type CityRuntime } from './twin';
import { LiveState } from './live/state';

describe('gridIndex', () => {
  it('lists each grid\'s components in index order and counts its buildings, as a full scan would', () => {
    const unitGrid = Uint32Array.from([2, 0, 2, 1, 0, 2, 3]);
    const city = {
      unitGrids: [{}, {}, {}, {}, {}],
      components: { count: unitGrid.length, unitGrid },
      buildings: [{ unitGrid: 1 }, { unitGrid: 1 }, { unitGrid: 4 }],
    } as unknown as CityData;
    const { start, components, buildings } = gridIndex(city);
    for (let g = 0; g < 5; g++) {
      const scan = [...unitGrid.keys()].filter((i) => unitGrid[i] === g);
      expect([...components.subarray(start[g]!, start[g + 1]!)]).toEqual(scan);
    }
    expect([...buildings]).toEqual([0, 2, 0, 0, 1]);
  });
});

describe('Twin.applyInTurns', () => {
  // a city in memory only: no database is touched by applying changes
  const n = 4 * APPLY_CHUNK;
  const city = {
    id: 1, slug: 'c', real: new Uint8Array(n),
    live: new LiveState(new Uint8Array(n), { gridOf: new Uint32Array(n), gridCount: 1, classIndex: new Uint8Array(n) }),
  } as unknown as CityRuntime;
  const turn = () => new Promise((r) => setImmediate(r));

  it('applies a big batch at most APPLY_CHUNK changes a turn, and batches in the order they came', async () => {
    const twin = new Twin({} as Db);
    const big = Uint32Array.from({ length: 3 * APPLY_CHUNK + 5 }, (_, k) => k);
    const buf = { idx: big, st: new Uint8Array(big.length).fill(2), val: new Float32Array(big.length).fill(1) };
    let bigDone = false, smallDone = false;
    void twin.applyInTurns(city, big.length, buf.idx, buf.st, buf.val, Date.now(), 'api').then(() => { bigDone = true; });
    // the caller's buffer may be reused at once (a message payload): the twin kept a copy
    buf.st.fill(7);
    // a small batch after it, for a component the big one also sets, must not overtake it
    void twin.applyInTurns(city, 1, [5], [3], [9], Date.now(), 'api').then(() => { smallDone = true; });
    expect(twin.appliedTotal).toBe(0);
    const applied: number[] = [];
    for (let t = 0; t < 10 && !smallDone; t++) {
      await turn();
      applied.push(twin.appliedTotal);
    }
    expect(applied).toEqual([APPLY_CHUNK, 2 * APPLY_CHUNK, 3 * APPLY_CHUNK, 3 * APPLY_CHUNK + 6]);
    expect(bigDone && smallDone).toBe(true);
    expect(city.live.states[4]).toBe(2);
    expect(city.live.states[5]).toBe(3);
    expect(city.live.values[5]).toBe(9);
  });

  it('applies a batch that fits at once when nothing waits', () => {
    const twin = new Twin({} as Db);
    void twin.applyInTurns(city, 3, [0, 1, 2], [4, 4, 4], [0, 0, 0], Date.now(), 'mqtt');
    expect(twin.appliedTotal).toBe(3);
    expect([...city.live.states.subarray(0, 3)]).toEqual([4, 4, 4]);
  });
});
