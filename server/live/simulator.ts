import SunCalc from 'suncalc';
import type { CityData } from '../../models/city';
import { COMPONENT_CLASSES, REPORT_EVERY_S, STATE_CODE } from '../../models/components';
import { STATE_MASK } from '../../models/live';
import { DEPTH_THRESHOLDS } from '../../models/scenario';

export type ApplyChange = (index: number, state: number, value: number, atMs: number) => void;

export interface SimulatorOptions {
  seed?: number;
  /** expected new faults per component per second (random damage, loss, silence) */
  faultRatePerS?: number;
  /** mean time to repair a fault, seconds */
  meanRepairS?: number;
  /** hours for a bin to fill from empty, min and max */
  binFillHours?: [number, number];
  /** synthetic load: extra random changes per second on top of the city model (0 = none) */
  loadPerS?: number;
  /** reporting components send a heartbeat at their class interval (models/components.ts REPORT_EVERY_S) */
  heartbeats?: boolean;
}

const S = STATE_CODE;
const SUN_BELOW = (-0.833 * Math.PI) / 180; // sunrise/sunset altitude (refraction + solar radius)
const OFFSETS_MIN = 13; // light controllers switch in groups spread over +-6 minutes
// The flood thresholds the scenario impacts use: warning at the 15 cm one-lane design criterion,
// alarm at the 27 cm road closure.
const [GAUGE_WARNING_M, , GAUGE_ALARM_M] = DEPTH_THRESHOLDS;

/**
 * The built-in telemetry simulator: changes component states the way a city does. Street lights
 * follow the city's sun times, bins fill and are emptied, gauges follow passing showers, and
 * random faults appear and are repaired. It only decides; `apply` stores and broadcasts.
 */
export class Simulator {
  private rand: () => number;
  private lights: Uint32Array;
  private lightGroup: Uint8Array;
  private readonly onByGroup = new Uint8Array(OFFSETS_MIN);
  private bins: Uint32Array;
  private binRate: Float32Array; // fill per second
  private binFill: Float32Array; // exact fill; the published value is quantised
  private gauges: Uint32Array;
  private gaugeLevel: Float32Array;
  private gaugeGain: Float32Array;
  private faulty = new Map<number, number>(); // component -> state it returns to
  private rainMmPerH = 0;
  private nextWeatherMs = 0;
  private lastMs = 0;
  private readonly faultRate: number;
  private readonly meanRepairS: number;
  private readonly reporters: Uint32Array;
  private readonly nextBeatMs: Float64Array;
  private readonly beatMs: Float32Array;
  private readonly loadPerS: number;
  private loadCarry = 0;

  constructor(private readonly city: CityData, private readonly states: Uint8Array, private readonly values: Float32Array,
    private readonly apply: ApplyChange, opts: SimulatorOptions = {}) {
    this.rand = mulberry32(opts.seed ?? (Date.now() & 0x7fffffff));
    this.faultRate = opts.faultRatePerS ?? 1e-5;
    this.meanRepairS = opts.meanRepairS ?? 600;
    const [fMin, fMax] = opts.binFillHours ?? [1, 4];
    const c = city.components;
    const of = (telemetry: string) => {
      const out: number[] = [];
      for (let i = 0; i < c.count; i++) if (COMPONENT_CLASSES[c.classIndex[i]!]!.telemetry === telemetry) out.push(i);
      return Uint32Array.from(out);
    };
    this.lights = of('light');
    this.lightGroup = Uint8Array.from(this.lights, () => Math.floor(this.rand() * OFFSETS_MIN));
    this.bins = of('fill');
    this.binRate = Float32Array.from(this.bins, () => 1 / (3600 * (fMin + (fMax - fMin) * this.rand())));
    this.gauges = of('level');
    this.gaugeLevel = new Float32Array(this.gauges.length);
    this.gaugeGain = Float32Array.from(this.gauges, () => 0.5 + this.rand());
    this.binFill = new Float32Array(this.bins.length);
    for (let k = 0; k < this.bins.length; k++) {
      const i = this.bins[k]!;
      if (Number.isNaN(values[i]!)) values[i] = quant(this.rand() * 0.7, 0.05);
      this.binFill[k] = values[i]!;
    }
    for (let k = 0; k < this.gauges.length; k++) {
      const v = values[this.gauges[k]!]!;
      this.gaugeLevel[k] = Number.isFinite(v) ? v : 0;
    }
    // heartbeats: every reporting component, at its class interval, first one at a random phase
    const reporters: number[] = [];
    for (let i = 0; i < c.count; i++) if (REPORT_EVERY_S[COMPONENT_CLASSES[c.classIndex[i]!]!.telemetry] > 0) reporters.push(i);
    this.reporters = opts.heartbeats === false ? new Uint32Array(0) : Uint32Array.from(reporters);
    this.beatMs = Float32Array.from(this.reporters, (i) => 1000 * REPORT_EVERY_S[COMPONENT_CLASSES[c.classIndex[i]!]!.telemetry]);
    this.nextBeatMs = new Float64Array(this.reporters.length).fill(-1);
    this.loadPerS = opts.loadPerS ?? 0;
    for (let i = 0; i < c.count; i++) {
      const st = states[i]! & STATE_MASK;
      if (st === S.damaged || st === S.missing || st === S.offline) this.faulty.set(i, S.intact);
    }
  }

  get rainRateMmPerH() {
    return this.rainMmPerH;
  }

  tick(nowMs: number) {
    const dt = this.lastMs ? Math.min(60, (nowMs - this.lastMs) / 1000) : 0;
    this.lastMs = nowMs;
    this.weather(nowMs);
    this.switchLights(nowMs);
    if (dt > 0) {
      this.fillBins(nowMs, dt);
      this.followGauges(nowMs, dt);
      this.faults(nowMs, dt);
    }
    this.heartbeats(nowMs);
  }

  /** A reporting component that works says "still here, same state" at its class interval. */
  private heartbeats(nowMs: number) {
    const next = this.nextBeatMs;
    for (let k = 0; k < this.reporters.length; k++) {
      if (next[k]! < 0) next[k] = nowMs + this.rand() * this.beatMs[k]!;
      if (nowMs < next[k]!) continue;
      next[k] = nowMs + this.beatMs[k]! * (0.9 + 0.2 * this.rand());
      const i = this.reporters[k]!;
      const st = this.states[i]! & STATE_MASK;
      if (st === S.offline || st === S.missing || st === S.removed) continue; // a dead device says nothing
      this.apply(i, st, this.values[i]!, nowMs);
    }
  }

  /**
   * Synthetic load for benchmarks and big screens: `loadPerS` random changes a second, spread
   * over the city (reporting classes change state and reading, the others now and then break).
   * Call as often as you like; it keeps the rate by elapsed time.
   */
  load(nowMs: number, dtS: number) {
    if (this.loadPerS <= 0 || dtS <= 0) return 0;
    const want = this.loadPerS * Math.min(dtS, 1) + this.loadCarry;
    const n = Math.floor(want);
    this.loadCarry = want - n;
    const count = this.city.components.count, cls = this.city.components.classIndex;
    for (let k = 0; k < n; k++) {
      const i = Math.floor(this.rand() * count);
      const t = COMPONENT_CLASSES[cls[i]!]!.telemetry;
      const r = this.rand();
      if (t === 'none') {
        this.apply(i, r < 0.9 ? S.intact : r < 0.97 ? S.damaged : S.missing, NaN, nowMs);
      } else {
        const st = r < 0.8 ? (t === 'light' ? S.active : S.intact) : r < 0.93 ? S.warning : r < 0.98 ? S.alarm : S.offline;
        this.apply(i, st, Math.fround(this.rand()), nowMs);
      }
    }
    return n;
  }

  private switchLights(nowMs: number) {
    const { originLatDeg: lat, originLonDeg: lon } = this.city.meta;
    const onByGroup = this.onByGroup;
    for (let g = 0; g < OFFSETS_MIN; g++) {
      const t = new Date(nowMs - (g - (OFFSETS_MIN >> 1)) * 60_000);
      onByGroup[g] = SunCalc.getPosition(t, lat, lon).altitude < SUN_BELOW ? 1 : 0;
    }
    for (let k = 0; k < this.lights.length; k++) {
      const i = this.lights[k]!;
      const st = this.states[i]! & STATE_MASK;
      if (st !== S.intact && st !== S.active) continue; // a broken light stays as it is
      const on = onByGroup[this.lightGroup[k]!]!;
      const want = on ? S.active : S.intact;
      if (st !== want) this.apply(i, want, on, nowMs);
    }
  }

  private fillBins(nowMs: number, dt: number) {
    for (let k = 0; k < this.bins.length; k++) {
      const i = this.bins[k]!;
      const st = this.states[i]! & STATE_MASK;
      if (st !== S.intact && st !== S.warning && st !== S.alarm) continue;
      const v = this.values[i]!;
      // The sanitation round empties a bin that is nearly full within about 20 minutes.
      if (v >= 0.8 && this.rand() < dt / 1200) {
        this.binFill[k] = 0;
        this.apply(i, S.intact, 0, nowMs);
        continue;
      }
      const next = Math.min(1.2, this.binFill[k]! + this.binRate[k]! * dt * (0.5 + this.rand()));
      this.binFill[k] = next;
      const q = quant(next, 0.05);
      if (q !== v) this.apply(i, q >= 1 ? S.alarm : q >= 0.8 ? S.warning : S.intact, q, nowMs);
    }
  }

  private weather(nowMs: number) {
    if (nowMs < this.nextWeatherMs) return;
    // A shower now and then: mostly dry spells, sometimes heavy rain (mm/h).
    const r = this.rand();
    this.rainMmPerH = r < 0.55 ? 0 : r < 0.85 ? 5 + 20 * this.rand() : 30 + 50 * this.rand();
    this.nextWeatherMs = nowMs + (10 + 30 * this.rand()) * 60_000;
  }

  private followGauges(nowMs: number, dt: number) {
    const drainMPerS = 0.0004; // about 1.4 m/h of outflow through the low spot's inlets
    for (let k = 0; k < this.gauges.length; k++) {
      const i = this.gauges[k]!;
      const st = this.states[i]! & STATE_MASK;
      if (st === S.offline || st === S.missing || st === S.damaged) continue;
      // Ponding at a low spot gathers its catchment's rain: gain x rain, minus what drains away.
      const inflow = (this.rainMmPerH / 3600 / 1000) * 40 * this.gaugeGain[k]!;
      const level = Math.max(0, this.gaugeLevel[k]! + (inflow - drainMPerS) * dt);
      this.gaugeLevel[k] = level;
      const q = quant(level, 0.01);
      if (q !== this.values[i]) this.apply(i, q >= GAUGE_ALARM_M ? S.alarm : q >= GAUGE_WARNING_M ? S.warning : S.intact, q, nowMs);
    }
  }

  private faults(nowMs: number, dt: number) {
    const n = this.city.components.count;
    let expected = n * this.faultRate * dt;
    while (expected > 0) {
      if (this.rand() < Math.min(1, expected)) this.breakOne(Math.floor(this.rand() * n), nowMs);
      expected -= 1;
    }
    const repairP = dt / this.meanRepairS;
    for (const [i, back] of this.faulty) {
      if (this.rand() < repairP) {
        this.faulty.delete(i);
        this.apply(i, back, this.values[i]!, nowMs);
      }
    }
  }

  private breakOne(i: number, nowMs: number) {
    const st = this.states[i]! & STATE_MASK;
    if (this.faulty.has(i) || st === S.abandoned || st === S.removed) return;
    const cls = COMPONENT_CLASSES[this.city.components.classIndex[i]!]!;
    const r = this.rand();
    const reports = cls.telemetry !== 'none';
    const canGoMissing = cls.shape === 'cover' || cls.shape === 'grate' || cls.shape === 'bin';
    const next = reports && r < 0.4 ? S.offline : canGoMissing && r > 0.8 ? S.missing : S.damaged;
    this.faulty.set(i, st === S.active || st === S.warning || st === S.alarm ? S.intact : st);
    this.apply(i, next, this.values[i]!, nowMs);
  }
}

/** Quantised, and as float32 so it compares equal to what the state arrays hold. */
function quant(v: number, step: number) {
  return Math.fround(Math.round(v / step) * step);
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
