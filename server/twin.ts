import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import type { CityData, CitySummary, ComponentDetail, IngestBatch, UnitGridDetail } from '../models/city';
import { STATE_CODE } from '../models/components';
import { decodeBinaryBatch, encodeBinaryBatch, type BinaryBatch } from '../models/ingest';
import type { HistorySource } from './live/history';
import { encodeLayer, type LayerName } from '../models/layers';
import { normaliseComponentCode } from '../models/codes';
import type { Db } from './db';
import { cityId as findCityId, listCities, loadCity } from './city/store';
import { LiveState } from './live/state';
import { ApplyTurns } from './live/turns';
import { IndexOrder } from './live/order';
import { HistoryWriter, readHistory, writeChanges } from './live/history';
import { historyStepMs, type ComponentHistoryPoint } from '../models/history';
import { DEFAULT_REPORT_TIME_BOUNDS, reportTimeProblem, type ReportTimeBounds } from '../models/reportTime';
import { InputError, NotFoundError, ReportTimeError } from './errors';
import { componentNow, unitGridDetail } from './twinDetail';

export interface CityRuntime {
  id: number;
  slug: string;
  data: CityData;
  live: LiveState;
  codeIndex: Map<string, number>;
  /** static per-unit-grid membership, built once at load: a grid detail reads its own components only */
  byGrid: GridIndex;
  layers: Map<LayerName, { gz: Buffer; raw: Uint8Array; etag: string }>;
  /** per component: 1 once it has had a report from a real source (ingest API, MQTT) */
  real: Uint8Array;
  /** the telemetry simulator drives this city's components that have no real source */
  simulated: boolean;
}

import { gridIndex, type GridIndex } from './city/gridIndex';

export { gridIndex, type GridIndex };
export { APPLY_CHUNK } from './live/turns';

/** Batches from this size on are applied in index order. */
const SORT_FROM = 1024;

// the errors live apart so that modules Twin uses (twinDetail.ts) can throw them without a cycle
export { InputError, NotFoundError, ReportTimeError } from './errors';

/** The twin's state in one process: the database, the cities in memory, their live state. */
export class Twin {
  readonly cities = new Map<string, CityRuntime>();
  readonly history: HistoryWriter;
  private listeners = new Set<(city: CityRuntime) => void>();

  /** how far ahead and back a report's own time may be */
  readonly reportTime: ReportTimeBounds;

  /** SIMULATOR=on: cities whose own flag is on are simulated */
  private readonly simulator: boolean;

  constructor(readonly db: Db, opts: { historyBucketMs?: number; reportTime?: ReportTimeBounds; simulator?: boolean } = {}) {
    this.history = new HistoryWriter(db, { bucketMs: opts.historyBucketMs });
    this.reportTime = opts.reportTime ?? DEFAULT_REPORT_TIME_BOUNDS;
    this.simulator = opts.simulator ?? false;
  }

  async listCities(slug?: string): Promise<CitySummary[]> {
    return listCities(this.db, slug);
  }

  /** The city in memory, loaded from the database on first use. */
  async city(slug: string): Promise<CityRuntime> {
    const have = this.cities.get(slug);
    if (have) return have;
    const id = await findCityId(this.db, slug);
    if (id === undefined) throw new NotFoundError(`no city "${slug}"`);
    const pending = this.loading.get(slug) ?? this.load(slug, id);
    this.loading.set(slug, pending);
    try {
      return await pending;
    } finally {
      this.loading.delete(slug);
    }
  }

  private loading = new Map<string, Promise<CityRuntime>>();

  private async load(slug: string, id: number): Promise<CityRuntime> {
    // the row's version (xmin: the transaction that last wrote it), read before the data it goes with
    const version = (await this.db.query<{ v: string }>('select xmin::text as v from cities where id = $1', [id])).rows[0]?.v ?? '';
    const data = await loadCity(this.db, slug);
    const n = data.components.count;
    const values = new Float32Array(n).fill(NaN);
    const lastMs = new Float64Array(n);
    const real = new Uint8Array(n);
    const stored = await this.db.query<{ idx: number; value: number | null; last_report_at: Date | string | null; real: boolean }>(
      `select idx, value, last_report_at, data_source = 'real' as real from components
       where city_id = $1 and (value is not null or last_report_at is not null or data_source = 'real')`, [id]);
    for (const r of stored.rows) {
      if (r.value !== null) values[r.idx] = r.value;
      if (r.last_report_at) lastMs[r.idx] = new Date(r.last_report_at).getTime();
      if (r.real) real[r.idx] = 1;
    }
    const flag = await this.db.query<{ simulator: boolean }>('select simulator from cities where id = $1', [id]);
    const live = new LiveState(data.components.state, {
      values, gridOf: data.components.unitGrid, gridCount: data.unitGrids.length, classIndex: data.components.classIndex,
    });
    live.lastReportMs.set(lastMs);
    // stored afresh under a new id (an import with --replace): the old city's unwritten history has no city to go to
    const was = this.ids.get(slug);
    if (was !== undefined && was !== id) this.history.dropCity(was);
    this.ids.set(slug, id);
    this.history.register(id, n);
    const codeIndex = new Map<string, number>();
    data.components.codes.forEach((c, i) => codeIndex.set(c, i));
    const rt: CityRuntime = {
      id, slug, data, live, codeIndex, byGrid: gridIndex(data), layers: new Map(), real, simulated: this.simulator && flag.rows[0]?.simulator === true,
    };
    this.cities.set(slug, rt);
    this.versions.set(slug, version);
    for (const l of this.listeners) l(rt);
    return rt;
  }

  /** per city in memory: the version of its stored row it was loaded from */
  private versions = new Map<string, string>();
  /** per city ever loaded: the id it had */
  private ids = new Map<string, number>();

  /**
   * Reloads each city in memory whose stored row changed under this process (an import from the
   * CLI or another server) and drops one that is gone; app.ts calls it every few seconds. A city
   * stored afresh or deleted has lost its id: the history still waiting for it is dropped
   * (HistoryWriter.dropCity), instead of failing every flush after it.
   */
  async reloadChanged(): Promise<string[]> {
    if (this.cities.size === 0) return [];
    const { rows } = await this.db.query<{ id: number; slug: string; v: string }>(
      'select id, slug, xmin::text as v from cities where slug = any($1)', [[...this.cities.keys()]]);
    const stored = new Map(rows.map((r) => [r.slug, r]));
    const changed: string[] = [];
    for (const [slug, rt] of [...this.cities]) {
      const r = stored.get(slug);
      if (r && r.id === rt.id && r.v === this.versions.get(slug)) continue;
      if (!r) this.history.dropCity(rt.id);
      this.forget(slug);
      changed.push(slug);
      if (r) await this.city(slug);
    }
    return changed;
  }

  /** Drops a city from memory (an import stored a new version): the next use loads it again. */
  forget(slug: string): void {
    this.cities.delete(slug);
    this.versions.delete(slug);
  }

  onCityLoaded(fn: (city: CityRuntime) => void) {
    this.listeners.add(fn);
    for (const c of this.cities.values()) fn(c);
    return () => this.listeners.delete(fn);
  }

  /** A binary layer, encoded and gzipped once per process. */
  layer(city: CityRuntime, name: LayerName) {
    let l = city.layers.get(name);
    if (!l) {
      const raw = encodeLayer(city.data, name);
      const etag = `"${createHash('sha1').update(raw).digest('base64url')}"`;
      l = { raw, gz: gzipSync(raw, { level: 6 }), etag };
      city.layers.set(name, l);
    }
    return l;
  }

  async component(slug: string, index: number): Promise<ComponentDetail> {
    const city = await this.city(slug);
    const now = this.componentNow(city, index);
    // Most recent first: one entry per down-sampled bucket (its last report), plus durable
    // ingest rows that no bucket holds yet.
    const hist = (await readHistory(this.db, city.id, index, { limit: 20, writer: this.history, changes: 'separate' }))
      .sort((a, b) => (a.lastAt < b.lastAt ? 1 : a.lastAt > b.lastAt ? -1 : 0));
    return { ...now, history: hist.map((p) => ({ at: p.lastAt, state: p.state, value: p.last, source: p.source })) };
  }

  /** A component as it is now, from memory alone (no history read): for callers that handle many at once. */
  componentNow(city: CityRuntime, index: number): Omit<ComponentDetail, 'history'> {
    return componentNow(city, index);
  }

  /** A component's down-sampled history over the last `hours`, oldest first, in at most HISTORY_MAX_POINTS steps. */
  async componentHistory(slug: string, index: number, hours = 24): Promise<ComponentHistoryPoint[]> {
    const city = await this.city(slug);
    if (!Number.isInteger(index) || index < 0 || index >= city.data.components.count) throw new NotFoundError(`city "${slug}" has no component #${index}`);
    const stepMs = historyStepMs(hours, this.history.bucketMs);
    const fromMs = Math.floor((Date.now() - hours * 3_600_000) / stepMs) * stepMs;
    return readHistory(this.db, city.id, index, { fromMs, stepMs, writer: this.history });
  }

  async componentIndex(slug: string, code: string): Promise<number> {
    const city = await this.city(slug);
    const i = city.codeIndex.get(normaliseComponentCode(code));
    if (i === undefined) throw new NotFoundError(`city "${slug}" has no component ${code}`);
    return i;
  }

  async unitGrid(slug: string, index: number): Promise<UnitGridDetail> {
    return unitGridDetail(await this.city(slug), index);
  }

  /**
   * Called with every accepted set of changes as a binary batch (models/ingest.ts), to share
   * it with other server processes (socket.io Redis adapter); null in a single process.
   */
  replicate: ((city: CityRuntime, batch: Uint8Array) => void) | null = null;

  /**
   * The hot path every source ends in: checked changes into the live state, then history.
   * Typed arrays in, no allocation; `atMs` is one time for all or one per change.
   */
  applyChanges(
    city: CityRuntime, n: number, indices: ArrayLike<number>, states: ArrayLike<number>, values: ArrayLike<number>,
    atMs: number | ArrayLike<number>, source: HistorySource | 'replica',
  ): number {
    const live = city.live, hist = this.history, id = city.id;
    const one = typeof atMs === 'number' ? atMs : -1;
    const record = source !== 'replica';
    const real = source === 'api' || source === 'mqtt' ? city.real : null;
    // A big batch is applied in index order (server/live/order.ts): memory latency, not work,
    // is what a scattered batch costs.
    const order = n >= SORT_FROM ? this.order.sort(n, indices, live.count) : null;
    let changed = 0;
    for (let q = 0; q < n; q++) {
      const k = order ? order[q]! : q;
      const i = indices[k]!, st = states[k]!, v = values[k]!;
      const at = one >= 0 ? one : (atMs as ArrayLike<number>)[k]!;
      if (real) real[i] = 1;
      if (live.set(i, st, v, at)) {
        changed++;
        if (record) hist.record(id, i, at, st, v, source as HistorySource);
      }
    }
    this.counted[source] = (this.counted[source] ?? 0) + changed;
    this.appliedTotal += n;
    // real telemetry (not the simulator, not another process's replica) may open sensor cases
    if (this.onSensorChanges && changed > 0 && (source === 'api' || source === 'mqtt')) this.onSensorChanges(city, n, indices, states);
    if (this.replicate && source !== 'replica' && n > 0) {
      this.replicate(city, encodeBinaryBatch(live.count, n, indices, states, values, one >= 0 ? one : Date.now()));
    }
    return changed;
  }

  private readonly order = new IndexOrder();

  /**
   * applyChanges for the ingest paths, at most APPLY_CHUNK changes an event-loop turn, batches in
   * the order they came (./live/turns.ts); resolves once the whole batch is applied.
   */
  applyInTurns(
    city: CityRuntime, n: number, indices: ArrayLike<number>, states: ArrayLike<number>, values: ArrayLike<number>,
    atMs: number | ArrayLike<number>, source: HistorySource | 'replica',
  ): Promise<void> {
    return this.turns.apply(city, n, indices, states, values, atMs, source);
  }

  private readonly turns = new ApplyTurns<CityRuntime, HistorySource | 'replica'>((...a) => void this.applyChanges(...a));

  /** set by server/cases/sensor.ts: sees every applied batch from real sources */
  onSensorChanges: ((city: CityRuntime, n: number, indices: ArrayLike<number>, states: ArrayLike<number>) => void) | null = null;

  /** Changes applied per source since the last call (metrics are updated per tick, not per change). */
  takeCounts(): Record<string, number> {
    const c = this.counted;
    this.counted = {};
    return c;
  }
  private counted: Record<string, number> = {};
  /** reports applied since start, whatever they changed (benchmarks read it) */
  appliedTotal = 0;

  /** A decoded binary batch (models/ingest.ts); checked against this city's registry size first, applied in turns. */
  async applyBinary(city: CityRuntime, batch: BinaryBatch, source: HistorySource | 'replica'): Promise<{ accepted: number }> {
    if (batch.registrySize !== city.live.count) {
      throw new InputError(`binary batch: made for a registry of ${batch.registrySize} components, city "${city.slug}" has ${city.live.count}; refresh the index map`);
    }
    const now = Date.now();
    const at = batch.atMs > 0 ? batch.atMs : now;
    // replicas were checked by the process that took them
    const bad = source === 'replica' ? null : reportTimeProblem(at, now, this.reportTime);
    if (bad) throw new ReportTimeError(`binary batch: ${bad}; nothing applied`, ['atMs']);
    await this.applyInTurns(city, batch.count, batch.indices, batch.states, batch.values, at, source);
    return { accepted: batch.count };
  }

  /** Raw bytes of a binary batch for a city (HTTP body); throws InputError with the reason. */
  async ingestBinary(slug: string, bytes: Uint8Array, source: HistorySource): Promise<{ accepted: number; seq: number }> {
    const city = await this.city(slug).catch((e) => {
      throw e instanceof NotFoundError ? new InputError(e.message, ['city']) : e;
    });
    let batch: BinaryBatch;
    try {
      batch = decodeBinaryBatch(bytes, city.live.count);
    } catch (err) {
      throw new InputError(err instanceof Error ? err.message : String(err));
    }
    return { ...(await this.applyBinary(city, batch, source)), seq: city.live.seq };
  }

  /**
   * Applies a batch of state changes from a gauge or gateway. Every change is checked first; one
   * bad change rejects the batch and nothing is stored or broadcast. When durable (HTTP), the
   * batch is written to the database before it is applied in memory, so what clients see is
   * what was stored; otherwise (MQTT) history keeps it, down-sampled.
   */
  async ingest(batch: IngestBatch, source: HistorySource, opts: { durable?: boolean } = {}): Promise<{ accepted: number; seq: number }> {
    const city = await this.city(batch.city).catch((e) => {
      throw e instanceof NotFoundError ? new InputError(e.message, ['city']) : e;
    });
    const now = Date.now();
    const n = batch.changes.length;
    const idx = new Uint32Array(n);
    const unknown: string[] = [];
    batch.changes.forEach((ch, k) => {
      const i = city.codeIndex.get(ch.componentCode);
      if (i === undefined) unknown.push(`changes[${k}].componentCode: unknown component ${ch.componentCode}`);
      else idx[k] = i;
    });
    if (unknown.length) {
      throw new InputError(`${unknown.length} unknown component(s) in city "${batch.city}", nothing applied: ${unknown.slice(0, 5).join('; ')}${unknown.length > 5 ? '; ...' : ''}`, ['changes']);
    }
    const at = Float64Array.from(batch.changes, (ch) => (ch.at ? Date.parse(ch.at) : now));
    for (let k = 0; k < n; k++) {
      const bad = reportTimeProblem(at[k]!, now, this.reportTime);
      if (bad) throw new ReportTimeError(`changes[${k}].at: ${bad}; nothing applied`, ['changes', k, 'at']);
    }
    const states = Uint8Array.from(batch.changes, (ch) => STATE_CODE[ch.state]);
    const values = Float32Array.from(batch.changes, (ch) => ch.value ?? NaN);
    if (opts.durable !== false) {
      const ids = new Array<number>(n).fill(city.id);
      await writeChanges(this.db, ids, [...idx], [...at].map((t) => new Date(t).toISOString()), [...states],
        [...values].map((v) => (Number.isNaN(v) ? null : v)), ids.map(() => source));
    }
    await this.applyInTurns(city, n, idx, states, values, at, source);
    return { accepted: n, seq: city.live.seq };
  }
}
