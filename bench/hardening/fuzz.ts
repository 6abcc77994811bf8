// Malformed messages for every ingest boundary, generated from the zod schemas (each field of
// stateChangeSchema, ingestBatchSchema, subscribeSchema... broken in turn) and from the binary batch
// format (every header field and entry broken in turn). Every message is one the twin must refuse:
// a mutation that the schema would still accept is made wrong for a reason the twin checks
// (an unknown component, a time out of bounds, a city that does not exist).
import { ingestBatchSchema, stateChangeSchema } from '../../models/city';
import { COMPONENT_STATES } from '../../models/components';
import { STATE_COUNT } from '../../models/fiveColour';
import { BATCH_HEADER, encodeBinaryBatch, MAX_BINARY_BATCH } from '../../models/ingest';
import { MAX_INGEST_BATCH } from '../../models/city';
import { snapshotRequestSchema, subscribeSchema, unsubscribeSchema } from '../../models/live';
import { mulberry32 } from '../../server/live/simulator';

export interface FuzzCity {
  slug: string;
  codes: string[];
  count: number;
  gridCount: number;
}

export type Malformed =
  | { channel: 'http'; city: string; body: Uint8Array; token: 'good' | 'bad' | 'none'; method?: 'GET' }
  | { channel: 'trpc'; body: string | Uint8Array; token: 'good' | 'bad' | 'none' }
  | { channel: 'mqtt'; topic: string; payload: Buffer }
  | { channel: 'socket'; event: 'subscribe' | 'snapshot' | 'unsubscribe'; payload: unknown };

const WRONG: unknown[] = [123, -1, 1.5, 'x', '', true, null, [], {}, [1, 2], { a: 1 }, '99999999999999999999', 1e308, 'alarm\u0000', '<script>'];
const UNKNOWN_CODE = '99999999999999998';

export class Fuzzer {
  readonly r: () => number;
  private readonly states = COMPONENT_STATES.map((s) => s.key);

  constructor(seed: number, private readonly city: FuzzCity, private readonly nowMs: () => number = Date.now) {
    this.r = mulberry32(seed);
  }

  private int(n: number) { return Math.floor(this.r() * n); }
  private pick<T>(a: readonly T[]): T { return a[this.int(a.length)]!; }

  /** A valid change, to be broken. */
  private change(): Record<string, unknown> {
    return {
      componentCode: this.pick(this.city.codes), state: this.pick(this.states), value: Math.fround(this.r()),
      at: new Date(this.nowMs() - this.int(60_000)).toISOString(),
    };
  }

  /** One change broken in one field (from the schema's own list of fields), or made semantically wrong. */
  badChange(): Record<string, unknown> {
    const ch = this.change();
    const fields = Object.keys(stateChangeSchema.shape);
    switch (this.int(7)) {
      case 0: ch[this.pick(fields)] = this.pick(WRONG); break;
      case 1: delete ch[this.pick(['componentCode', 'state'])]; break;
      case 2: ch.componentCode = UNKNOWN_CODE; break;
      case 3: ch.at = this.pick(['9999-01-01T00:00:00Z', '1970-01-01T00:00:00Z', new Date(this.nowMs() + 3_600_000).toISOString(), 'yesterday', '2026-13-45T99:00:00Z']); break;
      case 4: ch.state = this.pick(['broken', 'ALARM', 7, '']); break;
      case 5: ch.componentCode = 'x'.repeat(this.pick([18, 1000, 100_000])); break;
      default: ch.value = this.pick([1e39, -1e300, 'NaN', '1', Number.MAX_VALUE]); break;
    }
    return this.ensureRefused(ch);
  }

  /** If the schema and the twin would take it, it is made to name an unknown component. */
  private ensureRefused(ch: Record<string, unknown>) {
    const p = stateChangeSchema.safeParse(ch);
    if (!p.success) return ch;
    const t = p.data.at ? Date.parse(p.data.at) : this.nowMs();
    const inBounds = t <= this.nowMs() + 60_000 && t >= this.nowMs() - 80 * 86_400_000;
    if (inBounds && this.city.codes.includes(p.data.componentCode)) ch.componentCode = UNKNOWN_CODE;
    return ch;
  }

  /** A JSON batch body `{city, changes}`: one bad change among good ones, or the batch itself broken. */
  badBatch(withCity: boolean): unknown {
    const n = 1 + this.int(20);
    const changes: unknown[] = Array.from({ length: n }, () => this.change());
    const batch: Record<string, unknown> = withCity ? { city: this.city.slug, changes } : { changes };
    switch (this.int(8)) {
      case 0: batch.changes = []; break;
      case 1: batch.changes = this.pick(WRONG.filter((w) => !Array.isArray(w))); break;
      case 2: if (withCity) batch.city = this.pick(['atlantis', 'Huzhou', '', 5, null, '../etc']); else changes[this.int(n)] = this.badChange(); break;
      case 3: if (this.int(20) === 0) batch.changes = Array.from({ length: MAX_INGEST_BATCH + 1 }, () => this.change()); else changes[this.int(n)] = this.badChange(); break;
      default: changes[this.int(n)] = this.badChange(); break;
    }
    if (withCity && batch.city === this.city.slug && Array.isArray(batch.changes) && batch.changes.length > 0
      && ingestBatchSchema.safeParse(batch).success) {
      // every change valid and known: break one (should not happen after the cases above)
      (batch.changes as unknown[])[0] = { ...(batch.changes as Record<string, unknown>[])[0], componentCode: UNKNOWN_CODE };
    }
    return batch;
  }

  /** JSON text, sometimes cut short, replaced by bytes that are not JSON, or nested too deep. */
  text(v: unknown): string {
    const s = JSON.stringify(v);
    switch (this.int(10)) {
      case 0: return s.slice(0, this.int(s.length));
      case 1: return '{"city": "' + '\uFFFF'.repeat(this.int(50));
      case 2: return '['.repeat(5000) + ']'.repeat(5000);
      default: return s;
    }
  }

  /** A binary batch broken in one header field or entry (models/ingest.ts layout). */
  badBinary(): Uint8Array {
    const n = 1 + this.int(50), size = this.city.count;
    const idx = Array.from({ length: n }, () => this.int(size));
    const st = Array.from({ length: n }, () => this.int(STATE_COUNT));
    const val = Array.from({ length: n }, () => this.r());
    const b = new Uint8Array(encodeBinaryBatch(size, n, idx, st, val, this.nowMs() - 1000));
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const k = this.int(n);
    switch (this.int(12)) {
      case 0: return b.slice(0, this.int(b.length)); // truncated
      case 1: dv.setUint32(0, 0xdeadbeef, true); break; // magic
      case 2: b[4] = 2 + this.int(200); break; // version
      case 3: dv.setUint32(8, 0, true); break; // count 0
      case 4: dv.setUint32(8, MAX_BINARY_BATCH + 1 + this.int(1e6), true); break;
      case 5: { const c = new Uint8Array(b.length + 1 + this.int(9)); c.set(b); return c; } // trailing bytes
      case 6: dv.setUint32(12, size + 1 + this.int(100), true); break; // another registry
      case 7: dv.setUint32(BATCH_HEADER + 4 * k, size + this.int(1e6), true); break; // index outside
      case 8: b[BATCH_HEADER + 8 * n + k] = STATE_COUNT + this.int(256 - STATE_COUNT); break; // state code
      case 9: dv.setFloat32(BATCH_HEADER + 4 * n + 4 * k, this.r() < 0.5 ? Infinity : -Infinity, true); break;
      case 10: dv.setFloat64(16, this.pick([NaN, -1, Infinity, 253_402_300_800_000, this.nowMs() + 86_400_000]), true); break;
      // a batch replayed long after: older than the retention window
      default: dv.setFloat64(16, this.nowMs() - 400 * 86_400_000, true); break;
    }
    return b;
  }

  /** A socket request broken in a field of its schema, for a city that does not exist, or for grids outside it. */
  socketRequest(): Extract<Malformed, { channel: 'socket' }> {
    const event = this.pick(['subscribe', 'snapshot', 'unsubscribe'] as const);
    const schema = { subscribe: subscribeSchema, snapshot: snapshotRequestSchema, unsubscribe: unsubscribeSchema }[event];
    if (event === 'subscribe' && this.r() < 0.4) {
      const grids = this.pick([[this.city.gridCount + this.int(1000)], [-1], [1.5], 'some', [0, 'a'], Array.from({ length: 3 }, () => this.city.gridCount)]);
      return { channel: 'socket', event, payload: { city: this.city.slug, grids } };
    }
    const payload: Record<string, unknown> = { city: this.city.slug };
    const field = this.pick(Object.keys(schema.shape));
    payload[field] = this.pick([...WRONG, 'atlantis', 'UPPER']);
    if (this.r() < 0.2) return { channel: 'socket', event, payload: this.pick([null, 5, 'huzhou', [], undefined]) };
    // still valid (for instance 'atlantis' as city on unsubscribe, which is a no-op): a snapshot for it is refused
    if (schema.safeParse(payload).success && event !== 'subscribe') return { channel: 'socket', event: 'snapshot', payload: { city: 'atlantis' } };
    if (schema.safeParse(payload).success) payload.city = 'atlantis';
    return { channel: 'socket', event, payload };
  }

  next(): Malformed {
    const c = this.city;
    switch (this.int(4)) {
      case 0: {
        const token = this.int(20) === 0 ? this.pick(['bad', 'none'] as const) : 'good';
        const cityOf = this.int(20) === 0 ? this.pick(['atlantis', 'A-B', '']) : c.slug;
        if (this.int(30) === 0) return { channel: 'http', city: c.slug, body: this.badBinary(), token, method: 'GET' };
        return { channel: 'http', city: cityOf, body: this.badBinary(), token };
      }
      case 1: {
        const token = this.int(20) === 0 ? this.pick(['bad', 'none'] as const) : 'good';
        return { channel: 'trpc', body: this.text(this.badBatch(true)), token };
      }
      case 2: {
        const kind = this.int(4);
        if (kind === 0) return { channel: 'mqtt', topic: `twin/v1/${c.slug}/batch/bin`, payload: Buffer.from(this.badBinary()) };
        if (kind === 1) return { channel: 'mqtt', topic: `twin/v1/${c.slug}/batch`, payload: Buffer.from(this.text(this.badBatch(false))) };
        if (kind === 2) {
          const ch = this.badChange();
          const code = typeof ch.componentCode === 'string' && /^\d{17}$/.test(ch.componentCode) ? ch.componentCode : this.pick(c.codes);
          delete ch.componentCode;
          // a code in the topic that is fine: the body must be what is wrong, else the code is
          const body = stateChangeSchema.omit({ componentCode: true }).safeParse(ch).success ? UNKNOWN_CODE : code;
          return { channel: 'mqtt', topic: `twin/v1/${c.slug}/state/${body}`, payload: Buffer.from(this.text(ch)) };
        }
        return { channel: 'mqtt', topic: this.pick([`twin/v1/atlantis/batch`, `twin/v1/${c.slug}/state/12`, `twin/v1/${c.slug}/nothing`, `twin/v1/${c.slug}/state/${UNKNOWN_CODE}/x`]), payload: Buffer.from(this.text(this.badBatch(false))) };
      }
      default:
        return this.socketRequest();
    }
  }
}
