import { describe, expect, it } from 'vitest';
import { decodeViewState, encodeViewState, sameViewState, type ViewState } from './viewState';

const RUN = '3f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const RUN_A = '9a8b7c6d-5e4f-4321-8fed-cba987654321';
const SC = '11111111-2222-4333-8444-555555555555';

const full: ViewState = {
  scenario: SC, run: RUN, timeS: 1800,
  camera: { lonDeg: 116.3912345, latDeg: 39.9071234, heightM: 812.4, headingDeg: 35.5, pitchDeg: -42.25, rollDeg: 0 },
  layersOff: ['grids', 'buildings'],
  selection: { kind: 'point', x: 120.5, y: -33 },
  compare: RUN_A, compareView: 'swipe', swipe: 0.4,
};

describe('the view state in a share link', () => {
  it('round-trips every field', () => {
    const s = encodeViewState(full);
    const { state, errors } = decodeViewState(`?${s}`);
    expect(errors).toEqual([]);
    expect(state).toEqual({ ...full, layersOff: ['buildings', 'grids'] });
    expect(sameViewState(state, full)).toBe(true);
  });

  it('writes a short, readable, stable query string', () => {
    const s = encodeViewState({ run: RUN, timeS: 600, camera: { lonDeg: 116.4, latDeg: 39.9, heightM: 500, headingDeg: 0, pitchDeg: -45, rollDeg: 0 }, selection: { kind: 'component', index: 12 } });
    expect(s).toBe(`run=${RUN}&t=600&cam=116.4,39.9,500,0,-45,0&sel=c:12`);
    // the default compare view (the difference map) and a swipe position without swipe stay out
    expect(encodeViewState({ compare: RUN_A, compareView: 'diff', swipe: 0.5 })).toBe(`cmp=${RUN_A}`);
    expect(encodeViewState({})).toBe('');
  });

  it('rounds the camera to about a centimetre', () => {
    const a = encodeViewState({ camera: { ...full.camera!, lonDeg: 116.391234549 } });
    expect(a).toContain('cam=116.3912345,');
    expect(sameViewState({ camera: { ...full.camera!, lonDeg: 116.39123451 } }, { camera: full.camera })).toBe(true);
    expect(sameViewState({ camera: { ...full.camera!, lonDeg: 116.3912355 } }, { camera: full.camera })).toBe(false);
  });

  it('drops a damaged field, names it, and keeps the rest', () => {
    const { state, errors } = decodeViewState(`run=${RUN}&t=-5&cam=1,2,3&sel=x:1&cmp=nope&cv=grid&sw=2&test`);
    expect(state).toEqual({ run: RUN });
    expect(errors).toHaveLength(6);
    expect(errors.find((e) => e.startsWith('t=-5'))).toMatch(/>=0|too small|greater/i);
    expect(errors.find((e) => e.startsWith('cam='))).toMatch(/six numbers/);
    expect(errors.find((e) => e.startsWith('sel='))).toMatch(/c:<i>/);
    expect(errors.find((e) => e.startsWith('cmp='))).toMatch(/UUID/);
    expect(errors.find((e) => e.startsWith('cv='))).toBeDefined();
    expect(errors.find((e) => e.startsWith('sw='))).toBeDefined();
  });

  it('refuses out-of-range cameras and non-numbers', () => {
    expect(decodeViewState('cam=200,0,0,0,0,0').errors[0]).toMatch(/^cam=.*lonDeg/);
    expect(decodeViewState('cam=1,2,abc,0,0,0').state.camera).toBeUndefined();
    expect(decodeViewState('t=').state.timeS).toBeUndefined();
    expect(decodeViewState('sel=g:3').state.selection).toEqual({ kind: 'grid', index: 3 });
    expect(decodeViewState('sel=b:-1').errors).toHaveLength(1);
    expect(decodeViewState('off=grids,Bad').errors[0]).toMatch(/^off=/);
  });
});
