import { describe, expect, it } from 'vitest';
import { LiveState } from './state';
import { ROLLUP_COLUMNS, ROLLUP_STALE, STALE_BIT } from '../../models/live';
import { COMPONENT_CLASSES, STATE_CODE, staleAfterMs } from '../../models/components';

const S = STATE_CODE;
/** 6 components in 3 grids: 0,1 -> grid 0; 2,3 -> grid 1; 4,5 -> grid 2 */
function make(opts: { classIndex?: Uint8Array; startMs?: number } = {}) {
  return new LiveState(new Uint8Array(6), { gridOf: Uint32Array.from([0, 0, 1, 1, 2, 2]), gridCount: 3, ...opts });
}

describe('LiveState', () => {
  it('groups a tick by unit grid and coalesces repeated changes to the latest', () => {
    const s = make();
    expect(s.set(5, S.alarm, 1, 1)).toBe(true);
    s.set(0, S.damaged, NaN, 1);
    s.set(5, S.warning, 0.5, 2);
    s.set(2, S.missing, NaN, 2);
    expect(s.set(3, S.intact, NaN, 2)).toBe(false); // no change
    const t = s.flush()!;
    expect(t.count).toBe(3);
    const slice = (g: number) => [...t.indices.subarray(t.gridStart[g]!, t.gridStart[g + 1]!)];
    expect([slice(0), slice(1), slice(2)]).toEqual([[0], [2], [5]]);
    expect(t.states[t.gridStart[2]!]).toBe(S.warning);
    expect(t.values[t.gridStart[2]!]).toBe(0.5);
    expect(s.seq).toBe(1);
    expect(s.flush()).toBeNull();
  });

  it('keeps roll-ups and five-colour levels current', () => {
    const s = make();
    s.set(0, S.missing, NaN, 1);
    s.set(1, S.alarm, NaN, 1);
    const changed = [...s.takeRollupChanges()];
    expect(changed).toEqual([0]);
    expect(s.rollup[0 * ROLLUP_COLUMNS + S.intact]).toBe(0);
    expect(s.rollup[0 * ROLLUP_COLUMNS + S.missing]).toBe(1);
    expect(s.rollup[0 * ROLLUP_COLUMNS + S.alarm]).toBe(1);
    expect(s.level[0]).toBe(3); // 3 + 4 points: orange
    s.set(1, S.intact, NaN, 2);
    s.takeRollupChanges();
    expect(s.level[0]).toBe(2); // 3 points: yellow
    expect(s.rollup[ROLLUP_COLUMNS + S.intact]).toBe(2); // grid 1 untouched
  });

  it('marks silent reporters stale, counts them, and a report clears it', () => {
    const light = COMPONENT_CLASSES.find((c) => c.telemetry === 'light')!.index;
    const cover = COMPONENT_CLASSES.find((c) => c.telemetry === 'none')!.index;
    const s = make({ classIndex: Uint8Array.from([light, cover, light, cover, cover, cover]), startMs: 0 });
    const after = staleAfterMs(light);
    s.set(2, S.active, 1, after - 10);
    expect(s.sweepStale(after + 1)).toBe(1); // component 0 never reported since start; 2 reported recently
    expect(s.states[0]! & STALE_BIT).toBe(STALE_BIT);
    expect(s.rollup[ROLLUP_STALE]).toBe(1);
    expect(s.sweepStale(after + 2)).toBe(0);
    s.flush();
    expect(s.set(0, S.intact, NaN, after + 3)).toBe(true); // same state, but no longer stale
    expect(s.states[0]).toBe(S.intact);
    expect(s.rollup[ROLLUP_STALE]).toBe(0);
    expect(s.flush()!.count).toBe(1);
  });

  it('grows its dirty list past the initial capacity', () => {
    const n = 10_000;
    const s = new LiveState(new Uint8Array(n), { gridOf: new Uint32Array(n), gridCount: 1 });
    for (let i = 0; i < n; i++) s.set(i, S.damaged, NaN, 1);
    expect(s.flush()!.count).toBe(n);
    expect(s.rollup[S.damaged]).toBe(n);
  });
});
