import { z } from 'zod';
import { citySlugSchema } from './city';
import { STATE_COUNT } from './fiveColour';
import type { RunWatchAck } from './runs';
import type { PresentAck, PresentJoinInput, PresentPushInput, RoomState } from './cockpit';

// Live frames on socket.io (binary). Two streams per subscribed client:
// - components: the state of every component in the unit grids the client shows. Each client
//   has its own sequence: a frame is seq = previous + 1. A snapshot (join, view change, gap,
//   slow client caught up) is accepted whatever its seq and restarts the sequence.
// - roll-ups: per unit grid, components by state (and stale), and the five-colour level; for
//   the whole city, to every client. Sequence per city; snapshot on join and after a gap.
//
// Layout, little-endian, 24-byte header:
//   0  u16 magic 0x4354 ("CT")   2 u8 version (2)   3 u8 kind
//   4  u32 seq                    8 u32 count        12 u32 total (components, or unit grids)
//   16 f64 server time, ms since epoch
// components (kind 1 snapshot, 2 delta): indices u32[count], values f32[count], states u8[count]
//   state byte: low 7 bits the state code, bit 7 set = stale (silent too long)
// roll-ups (kind 3 snapshot, 4 delta): grids u32[count], counts u16[count * ROLLUP_COLUMNS]
//   (by state code, then stale), levels u8[count]
// Values are NaN where a class reports no reading.

export const FRAME_MAGIC = 0x4354;
export const FRAME_VERSION = 2;
export const FRAME_SNAPSHOT = 1;
export const FRAME_DELTA = 2;
export const FRAME_ROLLUP_SNAPSHOT = 3;
export const FRAME_ROLLUP_DELTA = 4;
export const FRAME_HEADER = 24;

/** Bit 7 of a streamed state byte: the component has been silent longer than its class allows. */
export const STALE_BIT = 0x80;
export const STATE_MASK = 0x7f;
/** Roll-up columns per unit grid: one per state code, then the stale count. */
export const ROLLUP_COLUMNS = STATE_COUNT + 1;
export const ROLLUP_STALE = STATE_COUNT;

export interface ComponentFrame {
  kind: typeof FRAME_SNAPSHOT | typeof FRAME_DELTA;
  seq: number;
  total: number;
  serverTimeMs: number;
  indices: Uint32Array;
  states: Uint8Array;
  values: Float32Array;
}

export interface RollupFrame {
  kind: typeof FRAME_ROLLUP_SNAPSHOT | typeof FRAME_ROLLUP_DELTA;
  seq: number;
  total: number;
  serverTimeMs: number;
  grids: Uint32Array;
  counts: Uint16Array;
  levels: Uint8Array;
}

export type LiveFrame = ComponentFrame | RollupFrame;

const pad4 = (n: number) => (n + 3) & ~3;

export function writeHeader(buf: ArrayBuffer, kind: number, seq: number, count: number, total: number, timeMs: number) {
  const dv = new DataView(buf);
  dv.setUint16(0, FRAME_MAGIC, true);
  dv.setUint8(2, FRAME_VERSION);
  dv.setUint8(3, kind);
  dv.setUint32(4, seq >>> 0, true);
  dv.setUint32(8, count, true);
  dv.setUint32(12, total, true);
  dv.setFloat64(16, timeMs, true);
}

export const componentFrameBytes = (count: number) => FRAME_HEADER + 8 * count + pad4(count);

/**
 * A components frame with room for `count` entries; the caller fills the returned views (the
 * server copies grid slices straight into them, without a second pass).
 */
export function allocComponentFrame(kind: typeof FRAME_SNAPSHOT | typeof FRAME_DELTA, seq: number, count: number, total: number, timeMs: number) {
  const buf = new ArrayBuffer(componentFrameBytes(count));
  writeHeader(buf, kind, seq, count, total, timeMs);
  return {
    buf,
    indices: new Uint32Array(buf, FRAME_HEADER, count),
    values: new Float32Array(buf, FRAME_HEADER + 4 * count, count),
    states: new Uint8Array(buf, FRAME_HEADER + 8 * count, count),
  };
}

/** Encodes the first `count` entries of the columns (scratch arrays may be longer). */
export function encodeComponents(
  kind: typeof FRAME_SNAPSHOT | typeof FRAME_DELTA, seq: number, total: number, count: number,
  indices: Uint32Array, states: Uint8Array, values: Float32Array, timeMs = Date.now(),
): ArrayBuffer {
  const f = allocComponentFrame(kind, seq, count, total, timeMs);
  f.indices.set(indices.subarray(0, count));
  f.values.set(values.subarray(0, count));
  f.states.set(states.subarray(0, count));
  return f.buf;
}

export const rollupFrameBytes = (count: number) => FRAME_HEADER + 4 * count + pad4(2 * ROLLUP_COLUMNS * count) + pad4(count);

export function allocRollupFrame(kind: typeof FRAME_ROLLUP_SNAPSHOT | typeof FRAME_ROLLUP_DELTA, seq: number, count: number, total: number, timeMs: number) {
  const buf = new ArrayBuffer(rollupFrameBytes(count));
  writeHeader(buf, kind, seq, count, total, timeMs);
  const o = FRAME_HEADER + 4 * count;
  return {
    buf,
    grids: new Uint32Array(buf, FRAME_HEADER, count),
    counts: new Uint16Array(buf, o, ROLLUP_COLUMNS * count),
    levels: new Uint8Array(buf, o + pad4(2 * ROLLUP_COLUMNS * count), count),
  };
}

/** Decodes a frame; throws with the reason if it is not a well-formed frame. Views share `data`'s memory when aligned. */
export function decodeFrame(data: ArrayBuffer | Uint8Array): LiveFrame {
  let bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  if (bytes.byteOffset % 4 !== 0) bytes = new Uint8Array(bytes); // a copy (Buffer.slice would be a view)
  if (bytes.byteLength < FRAME_HEADER) throw new Error(`frame: ${bytes.byteLength} bytes is shorter than the ${FRAME_HEADER}-byte header`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint16(0, true) !== FRAME_MAGIC) throw new Error('frame: bad magic');
  const version = dv.getUint8(2);
  if (version !== FRAME_VERSION) throw new Error(`frame: unsupported version ${version}`);
  const kind = dv.getUint8(3);
  const seq = dv.getUint32(4, true);
  const count = dv.getUint32(8, true);
  const total = dv.getUint32(12, true);
  const serverTimeMs = dv.getFloat64(16, true);
  const b = bytes.buffer, o = bytes.byteOffset + FRAME_HEADER;
  if (kind === FRAME_SNAPSHOT || kind === FRAME_DELTA) {
    const need = FRAME_HEADER + 8 * count + count;
    if (bytes.byteLength < need) throw new Error(`frame: components frame of ${count} needs ${need} bytes, got ${bytes.byteLength}`);
    return {
      kind, seq, total, serverTimeMs,
      indices: new Uint32Array(b, o, count),
      values: new Float32Array(b, o + 4 * count, count),
      states: new Uint8Array(b, o + 8 * count, count),
    };
  }
  if (kind === FRAME_ROLLUP_SNAPSHOT || kind === FRAME_ROLLUP_DELTA) {
    const need = FRAME_HEADER + 4 * count + pad4(2 * ROLLUP_COLUMNS * count) + count;
    if (bytes.byteLength < need) throw new Error(`frame: roll-up frame of ${count} needs ${need} bytes, got ${bytes.byteLength}`);
    const oc = o + 4 * count;
    return {
      kind, seq, total, serverTimeMs,
      grids: new Uint32Array(b, o, count),
      counts: new Uint16Array(b, oc, ROLLUP_COLUMNS * count),
      levels: new Uint8Array(b, oc + pad4(2 * ROLLUP_COLUMNS * count), count),
    };
  }
  throw new Error(`frame: unknown kind ${kind}`);
}

// --- socket.io event maps (all four generics of Server<...>) ---

/** Unit grids a client shows: "all", or their indices (what a viewport covers). */
export const gridSelectionSchema = z.union([
  z.literal('all'),
  z.array(z.number().int().min(0)).max(100_000, 'at most 100,000 unit grids'),
]);
export type GridSelection = z.infer<typeof gridSelectionSchema>;

/** Subscribe to a city, or change which of its unit grids the client gets in detail. */
export const subscribeSchema = z.object({ city: citySlugSchema, grids: gridSelectionSchema.default('all') });
export const unsubscribeSchema = z.object({ city: citySlugSchema });
export const snapshotRequestSchema = z.object({ city: citySlugSchema });

export type SubscribeAck = { ok: true; grids: number; components: number } | { ok: false; error: string };

export interface ServerToClientEvents {
  /** a binary live frame (components or roll-ups) for a city */
  frame: (city: string, data: ArrayBuffer) => void;
  /** an error about something the client sent */
  problem: (message: string) => void;
  /** one depth frame of a flood run (models/depthFrames.ts encodeDepthFrame; seq = frame index) */
  runFrame: (runId: string, data: ArrayBuffer) => void;
  /** the water of a running run between its stored frames (same encoding; never stored, not replayed) */
  runLive: (runId: string, data: ArrayBuffer) => void;
  /** a city's evacuation colours changed (models/warnings.ts; after evacuationWatch) */
  evacuation: (state: import('./warnings').EvacuationState) => void;
  /** a presenter's room changed (models/cockpit.ts) */
  presentState: (state: RoomState) => void;
}

export interface ClientToServerEvents {
  subscribe: (payload: z.input<typeof subscribeSchema>, ack?: (res: SubscribeAck) => void) => void;
  unsubscribe: (payload: z.input<typeof unsubscribeSchema>) => void;
  snapshot: (payload: z.input<typeof snapshotRequestSchema>) => void;
  /** watch a flood run's depth frames: the stored ones first, then each new one (models/runs.ts) */
  runWatch: (payload: { runId: string }, ack?: (res: RunWatchAck) => void) => void;
  runUnwatch: (payload: { runId: string }) => void;
  /** hear a city's evacuation colours when they change (the current ones come with tRPC warnings.evacuation) */
  evacuationWatch: (payload: { city: string }) => void;
  /** enter a presenter's room to follow it or drive it (server/cockpit/rooms.ts) */
  presentJoin: (payload: PresentJoinInput, ack?: (res: PresentAck) => void) => void;
  presentPush: (payload: PresentPushInput, ack?: (res: PresentAck) => void) => void;
}

/** Between server processes (socket.io Redis adapter): changes one process accepted, as a binary batch in base64. */
export interface InterServerEvents {
  changes: (city: string, batchBase64: string, origin: string) => void;
}

export interface SocketData {
  city: string | null;
  /** the signed-in user of the connection (server/app.ts), null for anonymous */
  user?: { id: string; name: string; role: string; department: string | null } | null;
}
