'use client';
import { useEffect, useRef, useState } from 'react';
import { FLOOD_DEPTH_CLASSES } from '../../../models/floodDepth';
import type { RunRecord } from '../../../models/runs';
import type { TwinEngine } from '../../../scene/TwinEngine';
import { useI18n } from '../../i18n';
import { useEngineSelector } from '../useEngine';
import { clock, isActive, or0 } from './format';
import { rateAt } from './hyetograph';
import { useRunRain } from './useRunRain';

const SPEEDS = [1, 2, 4, 8] as const;
/** the slider's events are taken natively (below); React only needs to know the value is handled */
const noop = () => {};

/**
 * The shown run's clock: scrub, play at 1x (one output frame per second) to 8x, follow the newest
 * frame while it runs. The engine owns the time; this reads it through the engine's version, and
 * playing advances it from an animation loop outside React (no state per animation frame).
 */
export function Timeline({ engine, run }: { engine: TwinEngine; run: RunRecord }) {
  const { t, num } = useI18n();
  const flood = engine?.flood;
  const time = useEngineSelector(engine, (e) => or0(e.flood?.time())) ?? 0;
  const latest = useEngineSelector(engine, (e) => e.flood?.latestTime() ?? 0) ?? 0;
  const frames = useEngineSelector(engine, (e) => e.flood?.times().length ?? 0) ?? 0;
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState<(typeof SPEEDS)[number]>(1);
  const [following, setFollowing] = useState(isActive(run.status));
  const rain = useRunRain(run);
  const duration = run.progress?.duration ?? latest;
  const running = isActive(run.status);

  // a new run starts following its newest frame when it is running
  useEffect(() => {
    setFollowing(isActive(run.status));
    setPlaying(false);
    // only when the run changes
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [run.id]);
  useEffect(() => { flood?.follow(following); }, [flood, following]);

  const speedRef = useRef(speed);
  speedRef.current = speed;
  useEffect(() => {
    if (!playing || !flood) return;
    let raf = 0, last = performance.now();
    let tSim = flood.time() >= flood.latestTime() ? 0 : flood.time();
    if (tSim === 0) flood.setTime(0);
    const loop = (now: number) => {
      tSim += ((now - last) / 1000) * run.outputInterval * speedRef.current;
      last = now;
      const times = flood.times();
      let k = times.length - 1;
      while (k > 0 && times[k]! > tSim) k--;
      // only a new frame is worth a call: setTime redraws
      if (times[k] !== undefined && times[k] !== flood.time()) flood.setTime(times[k]!);
      if (tSim >= flood.latestTime()) {
        setPlaying(false);
        if (isActive(run.status)) setFollowing(true);
        return;
      }
      raf = requestAnimationFrame(loop);
    };
    raf = requestAnimationFrame(loop);
    return () => cancelAnimationFrame(raf);
  }, [playing, flood, run.outputInterval, run.status]);

  const scrub = (v: number, dragging = false) => {
    setPlaying(false);
    setFollowing(false);
    // a drag shows each step at half resolution first (sharp again when it rests)
    if (dragging) engine?.roughFrames();
    flood?.setTime(v);
  };
  const step = (dir: 1 | -1) => {
    const times = flood?.times() ?? [];
    const k = times.findIndex((x) => x >= time);
    const next = times[Math.min(Math.max((k < 0 ? times.length - 1 : k) + dir, 0), times.length - 1)];
    if (next !== undefined) scrub(next);
  };
  // The slider listens natively: an input event after the value was set by script (a test, an
  // assistive tool) passes React's onChange by, as React's value tracker already saw the value.
  const slider = useRef<HTMLInputElement>(null);
  const scrubRef = useRef(scrub);
  scrubRef.current = scrub;
  useEffect(() => {
    const el = slider.current;
    if (!el) return;
    const onInput = () => scrubRef.current(Number(el.value), true);
    const onChange = () => scrubRef.current(Number(el.value));
    el.addEventListener('input', onInput);
    el.addEventListener('change', onChange);
    return () => { el.removeEventListener('input', onInput); el.removeEventListener('change', onChange); };
  }, []);
  const rate = rain ? rateAt(rain.blocks, time) : null;
  const availPct = duration > 0 ? Math.min(100, (100 * latest) / duration) : 0;

  return (
    <div className="timeline panel" data-testid="timeline" data-frames={frames}>
      <div className="tl-row">
        <button type="button" className="btn tl-play" data-testid="timeline-play" aria-pressed={playing} disabled={frames < 2}
          onClick={() => { setFollowing(false); setPlaying((p) => !p); }} title={playing ? t('tl.pause') : t('tl.play')}>
          {playing ? '❚❚' : '▶'}
        </button>
        <div className="seg tl-speed" role="group" aria-label={t('tl.speed')}>
          {SPEEDS.map((s) => (
            <button key={s} type="button" className={speed === s ? 'on' : ''} aria-pressed={speed === s} data-testid={`timeline-speed-${s}`} onClick={() => setSpeed(s)}>{s}×</button>
          ))}
        </div>
        <input
          type="range" className="tl-slider" data-testid="timeline-slider" min={0} max={Math.max(duration, 1)} step={1} value={Math.min(time, Math.max(duration, 1))}
          style={{ ['--avail' as string]: `${availPct}%` }}
          aria-label={t('tl.slider')} aria-valuetext={clock(time)}
          ref={slider} onChange={noop}
          onKeyDown={(e) => {
            // arrow keys step whole frames (the slider's unit is a second)
            if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') { e.preventDefault(); step(e.key === 'ArrowRight' ? 1 : -1); }
          }}
        />
        {running && (
          <button type="button" className={`btn small tl-live${following ? ' on' : ''}`} data-testid="timeline-follow" aria-pressed={following} onClick={() => setFollowing(true)}>
            {t('tl.follow')}
          </button>
        )}
      </div>
      <div className="tl-row tl-info">
        <span className="mono" data-testid="timeline-time">{t('tl.stormTime', { t: clock(time), d: clock(duration) })}</span>
        <span data-testid="timeline-rain">{rate === null ? '' : t('tl.rain', { rate: num(rate, 1) })}</span>
        <span className="muted">{t('tl.frames', { n: frames })}</span>
        <FloodLegend />
      </div>
    </div>
  );
}

/** Depth classes as one bar, the 15/20/27 cm thresholds marked at their edges. */
export function FloodLegend() {
  const { t, pick } = useI18n();
  return (
    <div className="flood-legend" data-testid="flood-legend" aria-label={t('tl.legend')} role="img">
      <span className="muted fl-title">{t('tl.depth')}</span>
      <span className="fl-bar">
        {FLOOD_DEPTH_CLASSES.map((c, k) => (
          <span key={c.key} className="fl-seg" style={{ background: c.color }} title={pick(c)}>
            {k > 0 && <em className={[0.15, 0.2, 0.27].includes(c.fromM) ? 'mark' : ''}>{Math.round(c.fromM * 100)}</em>}
          </span>
        ))}
      </span>
      <span className="muted">cm</span>
    </div>
  );
}
