import { z } from 'zod';
import { citySlugSchema } from './city';

// Live component-state frames on socket.io (binary). Every frame carries the city's sequence
// number; a client that joins, or sees seq != last + 1, asks for a snapshot and then applies
// deltas from the snapshot's seq on.
//
// Layout, little-endian, 24-byte header:
//   0  u16 magic 0x4354 ("CT")   2 u8 version (1)   3 u8 kind (1 snapshot, 2 delta)
//   4  u32 seq                    8 u32 count        12 u32 total components in the city
//   16 f64 server time, ms since epoch
// snapshot: states u8[count] (component i = index i), padded to 4, then values f32[count]
// delta:    indices u32[count], values f32[count], states u8[count]
// Values are NaN where a class reports no reading.

export const FRAME_MAGIC = 0x4354;
export const FRAME_VERSION = 1;
export const FRAME_SNAPSHOT = 1;
export const FRAME_DELTA = 2;
const HEADER = 24;

export interface SnapshotFrame {
  kind: typeof FRAME_SNAPSHOT;
  seq: number;
  total: number;
  serverTimeMs: number;
  states: Uint8Array;
  values: Float32Array;
}

export interface DeltaFrame {
  kind: typeof FRAME_DELTA;
  seq: number;
  total: number;
  serverTimeMs: number;
  indices: Uint32Array;
  states: Uint8Array;
  values: Float32Array;
}

export type LiveFrame = SnapshotFrame | DeltaFrame;

const pad4 = (n: number) => (n + 3) & ~3;

function header(buf: ArrayBuffer, kind: number, seq: number, count: number, total: number, timeMs: number) {
  const dv = new DataView(buf);
  dv.setUint16(0, FRAME_MAGIC, true);
  dv.setUint8(2, FRAME_VERSION);
  dv.setUint8(3, kind);
  dv.setUint32(4, seq >>> 0, true);
  dv.setUint32(8, count, true);
  dv.setUint32(12, total, true);
  dv.setFloat64(16, timeMs, true);
}

export function encodeSnapshot(seq: number, states: Uint8Array, values: Float32Array, timeMs = Date.now()): ArrayBuffer {
  const n = states.length;
  if (values.length !== n) throw new Error('snapshot: states and values differ in length');
  const buf = new ArrayBuffer(HEADER + pad4(n) + 4 * n);
  header(buf, FRAME_SNAPSHOT, seq, n, n, timeMs);
  new Uint8Array(buf, HEADER, n).set(states);
  new Float32Array(buf, HEADER + pad4(n), n).set(values);
  return buf;
}

/** Encodes `count` entries of the given columns (the caller's scratch arrays may be longer). */
export function encodeDelta(
  seq: number, total: number, count: number,
  indices: Uint32Array, states: Uint8Array, values: Float32Array, timeMs = Date.now(),
): ArrayBuffer {
  const buf = new ArrayBuffer(HEADER + 8 * count + pad4(count));
  header(buf, FRAME_DELTA, seq, count, total, timeMs);
  new Uint32Array(buf, HEADER, count).set(indices.subarray(0, count));
  new Float32Array(buf, HEADER + 4 * count, count).set(values.subarray(0, count));
  new Uint8Array(buf, HEADER + 8 * count, count).set(states.subarray(0, count));
  return buf;
}

/** Decodes a frame; throws with the reason if it is not a well-formed frame. Views share `data`'s memory when aligned. */
export function decodeFrame(data: ArrayBuffer | Uint8Array): LiveFrame {
  let bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  if (bytes.byteOffset % 4 !== 0) bytes = bytes.slice();
  if (bytes.byteLength < HEADER) throw new Error(`frame: ${bytes.byteLength} bytes is shorter than the ${HEADER}-byte header`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint16(0, true) !== FRAME_MAGIC) throw new Error('frame: bad magic');
  const version = dv.getUint8(2);
  if (version !== FRAME_VERSION) throw new Error(`frame: unsupported version ${version}`);
  const kind = dv.getUint8(3);
  const seq = dv.getUint32(4, true);
  const count = dv.getUint32(8, true);
  const total = dv.getUint32(12, true);
  const serverTimeMs = dv.getFloat64(16, true);
  const b = bytes.buffer, o = bytes.byteOffset + HEADER;
  if (kind === FRAME_SNAPSHOT) {
    const need = HEADER + pad4(count) + 4 * count;
    if (bytes.byteLength < need) throw new Error(`frame: snapshot of ${count} needs ${need} bytes, got ${bytes.byteLength}`);
    return { kind, seq, total, serverTimeMs, states: new Uint8Array(b, o, count), values: new Float32Array(b, o + pad4(count), count) };
  }
  if (kind === FRAME_DELTA) {
    const need = HEADER + 8 * count + count;
    if (bytes.byteLength < need) throw new Error(`frame: delta of ${count} needs ${need} bytes, got ${bytes.byteLength}`);
    return {
      kind, seq, total, serverTimeMs,
      indices: new Uint32Array(b, o, count),
      values: new Float32Array(b, o + 4 * count, count),
      states: new Uint8Array(b, o + 8 * count, count),
    };
  }
  throw new Error(`frame: unknown kind ${kind}`);
}

// --- socket.io event maps (all four generics of Server<...>) ---

export const subscribeSchema = z.object({ city: citySlugSchema });
export const snapshotRequestSchema = z.object({ city: citySlugSchema });

export interface ServerToClientEvents {
  /** a binary live frame (snapshot or delta) for a city */
  frame: (city: string, data: ArrayBuffer) => void;
  /** an error about something the client sent */
  problem: (message: string) => void;
}

export interface ClientToServerEvents {
  subscribe: (payload: z.input<typeof subscribeSchema>, ack?: (res: { ok: true; seq: number } | { ok: false; error: string }) => void) => void;
  unsubscribe: (payload: z.input<typeof subscribeSchema>) => void;
  snapshot: (payload: z.input<typeof snapshotRequestSchema>) => void;
}

export type InterServerEvents = Record<string, never>;

export interface SocketData {
  cities: string[];
}
