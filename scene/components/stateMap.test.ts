import { describe, expect, it } from 'vitest';
import { COMPONENT_STATES, STATE_CODE } from '../../models/components';
import { RANKS, rankOf, StateMap } from './stateMap';

/** A seeded generator, so a failure repeats. */
function lcg(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe('StateMap (the far level of detail of the components)', () => {
  it('ranks alarm highest, stale over the retired states, and intact lowest', () => {
    expect(rankOf(STATE_CODE.alarm)).toBe(RANKS);
    expect(rankOf(STATE_CODE.intact)).toBe(1);
    expect(rankOf(STATE_CODE.abandoned | 0x80)).toBeGreaterThan(rankOf(STATE_CODE.abandoned));
    expect(rankOf(STATE_CODE.alarm | 0x80)).toBeLessThan(rankOf(STATE_CODE.offline));
  });

  it('after any sequence of changes, every texel of every mip level shows what its components (or children) make', () => {
    const rnd = lcg(7);
    const n = 3000, extent: [number, number, number, number] = [-500, -300, 700, 900];
    const x = Float32Array.from({ length: n }, () => -500 + 1200 * rnd());
    // clustered along a few "streets", like real components, plus a few on the very edge
    const y = Float32Array.from({ length: n }, (_, i) => (i % 10 === 0 ? 900 : -300 + 120 * Math.floor(10 * rnd()) + 3 * rnd()));
    const map = new StateMap(x, y, extent);
    expect(map.size * map.texelM).toBeGreaterThanOrEqual(1200);
    const states = new Uint8Array(n);
    for (let k = 0; k < 20000; k++) {
      const i = Math.floor(rnd() * n);
      // alarms rare, so that most texels show the majority rule rather than the alarm rule
      const to = rnd() < 0.02 ? STATE_CODE.alarm : Math.floor(rnd() * 7) | (rnd() < 0.1 ? 0x80 : 0);
      map.set(i, to);
      states[i] = to;
    }
    // the rule, written out plainly: an alarm if any, else the most frequent, ties to the higher rank
    const shows = (ranks: number[]) => {
      const r = ranks.filter((v) => v > 0);
      if (r.includes(alarm)) return alarm;
      let best = 0, bestN = 0;
      for (const v of new Set(r)) {
        const k = r.filter((w) => w === v).length;
        if (k > bestN || (k === bestN && v > best)) { best = v; bestN = k; }
      }
      return best;
    };
    const alarm = rankOf(STATE_CODE.alarm);
    let level = new Map<string, number>();
    const members = new Map<string, number[]>();
    for (let i = 0; i < n; i++) {
      const u = Math.min(map.size - 1, Math.floor((x[i]! - map.x0) / map.texelM));
      const v = Math.min(map.size - 1, Math.floor((y[i]! - map.y0) / map.texelM));
      const key = `${u},${v}`;
      members.set(key, [...(members.get(key) ?? []), rankOf(states[i]!)]);
    }
    for (const [key, r] of members) level.set(key, shows(r));
    let majority = 0;
    const levels = Math.log2(map.size) + 1;
    for (let l = 0; l < levels; l++) {
      const cell = map.texelM * 2 ** l;
      for (const [key, r] of level) {
        const [u, v] = key.split(',').map(Number) as [number, number];
        expect(map.rankAt(map.x0 + (u + 0.5) * cell, map.y0 + (v + 0.5) * cell, l), `level ${l} texel ${key}`).toBe(r);
        if (r !== alarm) majority++;
      }
      const next = new Map<string, number[]>();
      for (const [key, r] of level) {
        const [u, v] = key.split(',').map(Number) as [number, number];
        const k = `${u >> 1},${v >> 1}`;
        next.set(k, [...(next.get(k) ?? []), r]);
      }
      level = new Map([...next].map(([k, r]) => [k, shows(r)]));
    }
    expect(majority).toBeGreaterThan(100);
    // and a texel with no component stays empty
    expect(map.rankAt(map.x0 + 0.5 * map.texelM, map.y0 + 200.5 * map.texelM + 60, 0)).toBe(0);
  });

  it('one alarm among many intact components shows at the coarsest level; clearing it restores intact', () => {
    const n = 500;
    const x = Float32Array.from({ length: n }, (_, i) => i * 2), y = new Float32Array(n);
    const map = new StateMap(x, y, [0, 0, 1000, 1000]);
    const top = Math.log2(map.size);
    map.set(123, STATE_CODE.alarm);
    expect(map.rankAt(246, 0, top)).toBe(rankOf(STATE_CODE.alarm));
    map.set(123, STATE_CODE.intact);
    expect(map.rankAt(246, 0, top)).toBe(rankOf(STATE_CODE.intact));
  });

  it('hands out the changed rows of each level once (reusing spare buffers), and a copy of the map applied with them equals the map', () => {
    const rnd = lcg(3);
    const n = 2000;
    const x = Float32Array.from({ length: n }, () => 1000 * rnd()), y = Float32Array.from({ length: n }, () => 1000 * rnd());
    const map = new StateMap(x, y, [0, 0, 1000, 1000]);
    const copy = map.levels.map((l) => l.slice());
    const spare: ArrayBuffer[] = [];
    for (let round = 0; round < 5; round++) {
      for (let k = 0; k < 300; k++) map.set(Math.floor(rnd() * n), Math.floor(rnd() * COMPONENT_STATES.length));
      // the buffers of the previous round come back for reuse, as from the page
      const bands = map.takeBands(spare.splice(0));
      for (const b of bands) {
        copy[b.level]!.set(b.data, b.row0 * (map.size >> b.level));
        spare.push(b.data.buffer as ArrayBuffer);
      }
      copy.forEach((l, level) => expect(Buffer.from(l).equals(Buffer.from(map.levels[level]!)), `level ${level}`).toBe(true));
    }
    expect(map.takeBands()).toEqual([]);
  });

  it('keeps the levels finer than the view asks for until it asks for them', () => {
    const n = 400;
    const x = Float32Array.from({ length: n }, (_, i) => (i * 37) % 1000), y = Float32Array.from({ length: n }, (_, i) => (i * 53) % 1000);
    const map = new StateMap(x, y, [0, 0, 1000, 1000]);
    for (let i = 0; i < n; i += 3) map.set(i, STATE_CODE.alarm);
    const coarse = map.takeBands([], 2);
    expect(coarse.length).toBeGreaterThan(0);
    expect(coarse.every((b) => b.level >= 2)).toBe(true);
    const fine = map.takeBands([], 0);
    expect(fine.map((b) => b.level).sort()).toEqual([0, 1]);
    expect(map.takeBands()).toEqual([]);
  });
});
