import type { RunRecord } from '../../../models/runs';
import type { Story, StoryScene } from '../../../models/story';
import type { ViewState } from '../../../models/viewState';
import { selectionExists } from '../../../scene/core/selection';
import { LAYER_KEYS, type LayerKey, type Selection, type TwinEngine } from '../../../scene/TwinEngine';
import { floodRunOf } from '../flood/useFloodRun';

/** why a scene could not be shown (its data went away since the planner made it) */
export type SkipReason = 'run' | 'runCity' | 'runNotDone' | 'selection';

export interface StorySnapshot {
  /** the scene shown, or being prepared */
  index: number;
  playing: boolean;
  /** the scene's data is being checked, or the city is still loading */
  preparing: boolean;
  /** played to the end (no loop) */
  ended: boolean;
  /** 0-1 through the current scene (flight and stay) */
  progress: number;
  /** the run's time shown (s), null without a run */
  simTimeS: number | null;
  /** the last skipped scene, shown for a while (at: performance.now()) */
  notice: { index: number; reason: SkipReason; at: number } | null;
  /** every scene skipped so far in this play */
  skipped: { index: number; reason: SkipReason }[];
  /** no scene of the story can be shown */
  allBroken: boolean;
}

export interface StoryControllerOptions {
  loop?: boolean;
  autoplay?: boolean;
  /** a run record by id; null (or a throw) when it does not exist */
  fetchRun(id: string): Promise<RunRecord | null>;
  onChange(s: StorySnapshot): void;
  onEnd?(): void;
  onSceneChange?(index: number): void;
}

const TICK_MS = 200;

/**
 * Shows a view on the engine: layers (all on but layersOff), selection, the run at view.timeS
 * (null hides the flood) and the camera (flown over flightS, 0 = cut). A story's scene; the
 * planner's own view again after a preview.
 */
export function applyView(e: TwinEngine, v: ViewState, run: RunRecord | null, flightS: number) {
  const off = new Set(v.layersOff ?? []);
  e.setInputs({ layers: Object.fromEntries(LAYER_KEYS.map((k) => [k, !off.has(k)])) as Record<LayerKey, boolean> });
  e.select((v.selection ?? null) as Selection);
  const f = e.flood;
  if (f) {
    if (run?.grid) {
      if (f.run()?.id !== run.id) f.show(floodRunOf(run));
      if (v.timeS !== undefined) f.setTime(v.timeS);
    } else f.show(null);
  }
  if (v.camera) e.flyToCameraView(v.camera, flightS);
}

/**
 * Plays a story on a twin engine, scene by scene: each scene's data is checked first (its run
 * still there and finished, in this city; its selected object in range), a broken scene is
 * skipped with a notice, and a good one is applied (layers, selection, run and time, camera flight)
 * and held for flightS + durationS while the water rises from view.timeS to timeToS. Framework-free:
 * React wraps it (useStoryPlayback). Every async step carries a generation, so next/previous
 * pressed while a check is under way wins.
 */
export class StoryController {
  snap: StorySnapshot;
  private gen = 0;
  private elapsedMs = 0;
  private lastTick = performance.now();
  private timer: ReturnType<typeof setInterval>;
  private cur: { scene: StoryScene; flightMs: number; totalMs: number; run: boolean } | null = null;
  private disposed = false;

  constructor(private story: Story, private engine: TwinEngine, private o: StoryControllerOptions) {
    this.snap = { index: 0, playing: o.autoplay ?? true, preparing: true, ended: false, progress: 0, simTimeS: null, notice: null, skipped: [], allBroken: false };
    this.timer = setInterval(() => this.tick(), TICK_MS);
    void this.enter(0, 1, 0);
  }

  dispose() {
    this.disposed = true;
    this.gen++;
    clearInterval(this.timer);
  }

  play() {
    if (this.snap.ended || this.snap.allBroken) return this.restart();
    this.set({ playing: true });
  }
  pause() { this.set({ playing: false }); }
  toggle() { if (this.snap.playing && !this.snap.ended) this.pause(); else this.play(); }
  restart() {
    this.set({ ended: false, allBroken: false, skipped: [], playing: true });
    void this.enter(0, 1, 0);
  }
  next() {
    const n = this.story.scenes.length, i = this.snap.index;
    if (i + 1 < n) void this.enter(i + 1, 1, 0);
    else if (this.o.loop) void this.enter(0, 1, 0);
    else this.end();
  }
  prev() {
    const i = this.snap.index;
    void this.enter(Math.max(0, i - 1), i > 0 ? -1 : 1, 0);
  }
  goTo(i: number) {
    if (i >= 0 && i < this.story.scenes.length) void this.enter(i, 1, 0);
  }

  private set(p: Partial<StorySnapshot>) {
    if (this.disposed) return;
    this.snap = { ...this.snap, ...p };
    this.o.onChange(this.snap);
  }

  private end() {
    this.cur = null;
    this.set({ ended: true, playing: false, progress: 1 });
    this.o.onEnd?.();
  }

  /** the engine's city loaded (selections index its data) */
  private whenReady(gen: number): Promise<boolean> {
    const e = this.engine;
    if (e.status.phase === 'ready') return Promise.resolve(true);
    return new Promise((resolve) => {
      const off = e.subscribe(() => {
        if (gen !== this.gen) { off(); resolve(false); } else if (e.status.phase === 'ready') { off(); resolve(true); }
      });
    });
  }

  private async check(sc: StoryScene): Promise<{ reason: SkipReason } | { run: RunRecord | null }> {
    const v = sc.view;
    if (v.selection && !selectionExists(v.selection as Selection, this.engine.city!)) return { reason: 'selection' };
    if (!v.run) return { run: null };
    const run = await this.o.fetchRun(v.run).catch(() => null);
    if (!run) return { reason: 'run' };
    if (run.city !== this.story.city) return { reason: 'runCity' };
    if (run.status !== 'succeeded' || !run.grid) return { reason: 'runNotDone' };
    return { run };
  }

  private async enter(i: number, dir: 1 | -1, skipsInRow: number): Promise<void> {
    const gen = ++this.gen;
    this.cur = null;
    this.set({ index: i, preparing: true, progress: 0, ended: false });
    if (!(await this.whenReady(gen)) || gen !== this.gen) return;
    const scenes = this.story.scenes;
    const sc = scenes[i]!;
    const r = await this.check(sc);
    if (gen !== this.gen) return;
    if ('reason' in r) {
      const skipped = [...this.snap.skipped.filter((s) => s.index !== i), { index: i, reason: r.reason }];
      this.set({ notice: { index: i, reason: r.reason, at: performance.now() }, skipped });
      if (skipsInRow + 1 >= scenes.length) return this.set({ allBroken: true, playing: false, preparing: false });
      const j = i + dir;
      if (j >= 0 && j < scenes.length) return this.enter(j, dir, skipsInRow + 1);
      if (j < 0) return this.enter(i + 1, 1, skipsInRow + 1);
      if (this.o.loop) return this.enter(0, 1, skipsInRow + 1);
      return this.end();
    }
    this.apply(sc, r.run);
    this.cur = { scene: sc, flightMs: sc.flightS * 1000, totalMs: (sc.flightS + sc.durationS) * 1000, run: !!r.run };
    this.elapsedMs = 0;
    this.set({ preparing: false, simTimeS: r.run ? sc.view.timeS ?? 0 : null });
    this.o.onSceneChange?.(i);
  }

  private apply(sc: StoryScene, run: RunRecord | null) {
    applyView(this.engine, sc.view, run, sc.flightS);
  }

  private tick() {
    const now = performance.now(), dt = now - this.lastTick;
    this.lastTick = now;
    const notice = this.snap.notice && now - this.snap.notice.at > 6000 ? null : this.snap.notice;
    const c = this.cur;
    if (!c || !this.snap.playing) {
      if (notice !== this.snap.notice) this.set({ notice });
      return;
    }
    this.elapsedMs += dt;
    const f = this.engine.flood;
    const v = c.scene.view;
    if (c.run && f && c.scene.timeToS !== undefined) {
      const from = v.timeS ?? 0;
      const k = Math.min(1, Math.max(0, (this.elapsedMs - c.flightMs) / (c.totalMs - c.flightMs)));
      f.setTime(from + (c.scene.timeToS - from) * k);
    }
    const t = c.run && f ? f.time() : NaN;
    this.set({ progress: Math.min(1, this.elapsedMs / c.totalMs), simTimeS: Number.isFinite(t) ? t : this.snap.simTimeS, notice });
    if (this.elapsedMs >= c.totalMs) this.next();
  }
}
