import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunRecord } from '../../../models/runs';
import type { Story, StoryScene } from '../../../models/story';
import type { TwinEngine } from '../../../scene/TwinEngine';
import { StoryController, type StorySnapshot } from './storyController';

// The story player's logic on a stand-in engine: scene order, the skip of broken scenes (both
// ways), pause, loop, the end, and the water's time through a scene.

const RUN = '00000000-0000-4000-8000-0000000000aa';
const GONE = '00000000-0000-4000-8000-0000000000bb';

function fakeEngine() {
  const calls: string[] = [];
  let shown: string | null = null, time = NaN;
  const e = {
    ready: true, status: { phase: 'ready' }, layers: {},
    city: { layers: { components: { count: 10 }, grids: { count: 4 }, buildings: { count: 2 } } },
    setInputs: (c: { layers: Record<string, boolean> }) => calls.push(`layers off ${Object.keys(c.layers).filter((k) => !c.layers[k]).join(',')}`),
    select: (s: unknown) => calls.push(`select ${JSON.stringify(s)}`),
    flyToCameraView: (_v: unknown, s: number) => calls.push(`fly ${s}`),
    subscribe: () => () => {},
    flood: {
      show: (r: { id: string } | null) => { shown = r?.id ?? null; calls.push(`show ${shown}`); },
      run: () => (shown ? { id: shown } : null),
      setTime: (t: number) => { time = t; },
      time: () => time,
    },
  };
  return { engine: e as unknown as TwinEngine, calls, time: () => time };
}

const cam = { lonDeg: 1, latDeg: 2, heightM: 300, headingDeg: 0, pitchDeg: -45, rollDeg: 0 };
const sc = (caption: string, view: StoryScene['view'] = {}, over: Partial<StoryScene> = {}): StoryScene =>
  ({ view: { camera: cam, ...view }, caption: { zh: caption, en: caption }, durationS: 4, flightS: 1, ...over });
const story = (scenes: StoryScene[]): Story =>
  ({ id: '00000000-0000-4000-8000-000000000001', city: 'town', title: { zh: 't', en: 't' }, scenes, published: true, updatedAt: 'x', updatedBy: null });
const runRec = { id: RUN, city: 'town', status: 'succeeded', grid: { nx: 1, ny: 1 }, outputInterval: 600, frameCount: 7, progress: null } as unknown as RunRecord;

function play(scenes: StoryScene[], opts: { loop?: boolean; autoplay?: boolean } = {}) {
  const f = fakeEngine();
  let snap!: StorySnapshot;
  const ends: number[] = [];
  const c = new StoryController(story(scenes), f.engine, {
    ...opts,
    fetchRun: async (id) => (id === RUN ? runRec : null),
    onChange: (s) => { snap = s; },
    onEnd: () => ends.push(1),
  });
  return { c, f, get snap() { return snap; }, ends };
}

beforeEach(() => { vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout', 'performance', 'Date'] }); });
afterEach(() => { vi.useRealTimers(); });

describe('StoryController', () => {
  it('plays the scenes in order, skips a broken one with a notice, and ends', async () => {
    const p = play([sc('a', { layersOff: ['grids'], selection: { kind: 'component', index: 3 } }), sc('b', { run: GONE }), sc('c', { run: RUN, timeS: 600 }, { timeToS: 3600 })]);
    await vi.advanceTimersByTimeAsync(0);
    expect(p.snap).toMatchObject({ index: 0, preparing: false, playing: true });
    expect(p.f.calls).toEqual(['layers off grids', 'select {"kind":"component","index":3}', 'show null', 'fly 1']);
    await vi.advanceTimersByTimeAsync(5000); // flight 1 s + stay 4 s
    expect(p.snap.index).toBe(2);
    expect(p.snap.notice).toMatchObject({ index: 1, reason: 'run' });
    expect(p.snap.skipped).toEqual([{ index: 1, reason: 'run' }]);
    expect(p.f.calls.slice(-3)).toEqual(['select null', `show ${RUN}`, 'fly 1']);
    expect(p.f.time()).toBe(600);
    // the water rises from 600 s to 3600 s over the 4 s stay, after the 1 s flight
    await vi.advanceTimersByTimeAsync(1000);
    expect(p.f.time()).toBe(600);
    await vi.advanceTimersByTimeAsync(2000);
    expect(p.f.time()).toBeCloseTo(2100, -2);
    await vi.advanceTimersByTimeAsync(2200);
    expect(p.f.time()).toBe(3600);
    expect(p.snap).toMatchObject({ ended: true, playing: false });
    expect(p.ends).toEqual([1]);
    // the notice goes after a while
    await vi.advanceTimersByTimeAsync(7000);
    expect(p.snap.notice).toBeNull();
    p.c.dispose();
  });

  it('pause holds the scene; previous skips back over a broken scene; next over it again', async () => {
    const p = play([sc('a'), sc('b', { selection: { kind: 'building', index: 9 } }), sc('c')]);
    await vi.advanceTimersByTimeAsync(0);
    p.c.pause();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(p.snap).toMatchObject({ index: 0, playing: false });
    p.c.next();
    await vi.advanceTimersByTimeAsync(0);
    expect(p.snap.index).toBe(2);
    expect(p.snap.notice).toMatchObject({ index: 1, reason: 'selection' });
    p.c.prev();
    await vi.advanceTimersByTimeAsync(0);
    expect(p.snap.index).toBe(0);
    expect(p.snap.playing).toBe(false);
    p.c.play();
    await vi.advanceTimersByTimeAsync(5200);
    expect(p.snap.index).toBe(2);
    p.c.dispose();
  });

  it('loops back to the first scene; a broken first scene is skipped forward, also by previous', async () => {
    const p = play([sc('a', { run: GONE }), sc('b'), sc('c', { selection: { kind: 'grid', index: 2 } })], { loop: true });
    await vi.advanceTimersByTimeAsync(0);
    expect(p.snap.index).toBe(1);
    p.c.prev();
    await vi.advanceTimersByTimeAsync(0);
    expect(p.snap.index).toBe(1);
    await vi.advanceTimersByTimeAsync(10_400);
    expect(p.snap.index).toBe(1); // c, then round to a (broken) and on to b
    expect(p.ends).toEqual([]);
    p.c.dispose();
  });

  it('a run of another city, or one not finished, is skipped; a story with no good scene stops and says so', async () => {
    const other = { ...runRec, city: 'elsewhere' } as RunRecord;
    const f = fakeEngine();
    let snap!: StorySnapshot;
    const c = new StoryController(story([sc('a', { run: RUN }), sc('b', { run: GONE })]), f.engine, {
      fetchRun: async () => other, onChange: (s) => { snap = s; },
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(snap).toMatchObject({ allBroken: true, playing: false, skipped: [{ index: 0, reason: 'runCity' }, { index: 1, reason: 'runCity' }] });
    expect(f.calls).toEqual([]);
    c.dispose();
  });
});
