import { describe, expect, it } from 'vitest';
import { EMPTY_ROOM_VIEW, flyTo, outlookPoints, presentPushSchema, rainAt, roomCodeSchema } from './cockpit';

describe('cockpit models', () => {
  it('room codes: letters and digits, upper-cased; anything else refused with the reason', () => {
    expect(roomCodeSchema.parse('brief1')).toBe('BRIEF1');
    for (const bad of ['abc', 'a b c d', 'x'.repeat(17), 'ab-cd']) expect(roomCodeSchema.safeParse(bad).error?.issues[0]?.message).toMatch(/room code/);
  });

  it('a fly drops the exact camera, selects its target and counts', () => {
    const v0 = { ...EMPTY_ROOM_VIEW, view: { camera: { lonDeg: 1, latDeg: 2, heightM: 3, headingDeg: 0, pitchDeg: -45, rollDeg: 0 }, layersOff: ['roads'] } };
    const v1 = flyTo(v0, { kind: 'grid', index: 7 });
    expect(v1).toEqual({ view: { layersOff: ['roads'], selection: { kind: 'grid', index: 7 } }, fly: { kind: 'grid', index: 7 }, flySeq: 1 });
    expect(flyTo(v1, { kind: 'home' }).view.selection).toBeUndefined();
    expect(flyTo(v1, { kind: 'point', x: 1, y: 2 }).view.selection).toEqual({ kind: 'point', x: 1, y: 2 });
    // an unknown field or a camera out of range is refused where it is
    const bad = presentPushSchema.safeParse({ room: 'ROOM1', state: { ...v1, extra: 1 } });
    expect(bad.success).toBe(false);
    const cam = presentPushSchema.safeParse({ room: 'ROOM1', state: { ...v1, view: { camera: { ...v0.view.camera, latDeg: 91 } } } });
    expect(cam.error?.issues[0]?.path.join('.')).toBe('state.view.camera.latDeg');
  });

  it('rain now and in the next hour from a forecast table', () => {
    const table = [{ time: 0, rainMmPerH: 5 }, { time: 1800, rainMmPerH: 20 }, { time: 3600, rainMmPerH: 60 }, { time: 9000, rainMmPerH: 0 }];
    expect(rainAt(table, 600)).toEqual({ nowMmPerH: 5, nextHourMmPerH: 60 });
    expect(rainAt(table, 2000)).toEqual({ nowMmPerH: 20, nextHourMmPerH: 60 });
    expect(rainAt(table, 9500)).toEqual({ nowMmPerH: 0, nextHourMmPerH: 0 });
    expect(rainAt([], 0)).toEqual({ nowMmPerH: 0, nextHourMmPerH: 0 });
  });

  it('the outlook names each flooded prone point by its highest threshold, soonest first', () => {
    const p = (id: string, maxDepth_m: number, o15: number | null, o20: number | null, o27: number | null) => ({ id, name: id, x: 0, y: 0, maxDepth_m, over15cm_s: o15, over20cm_s: o20, over27cm_s: o27 });
    const out = outlookPoints([p('dry', 0.05, null, null, null), p('a', 0.3, 600, 900, 1500), p('b', 0.18, 300, null, null), p('c', 0.4, 100, 200, 400)], new Map([['a', '升山路']]), 500);
    expect(out.map((o) => [o.name, o.thresholdCm, o.inS])).toEqual([['c', 27, 0], ['b', 15, 0], ['升山路', 27, 1000]]);
  });
});
