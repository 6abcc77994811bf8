import { z } from 'zod';
import { STATE_COUNT } from './fiveColour';

// Binary ingest batch ("CTIB"): how a gateway sends thousands of changes in one message (MQTT
// payload or HTTP body). Components are addressed by their index in the city's registry (the
// order of the components layer, and `component.byCode` maps a 17-digit code to it); the header
// repeats the registry's size, so a gateway holding a stale index map is refused instead of
// writing to the wrong components.
//
// Layout, little-endian, 24-byte header:
//   0  u32 magic 0x42495443 ("CTIB")   4 u8 version (1)   5 u8 flags (0)   6 u16 reserved (0)
//   8  u32 count                        12 u32 registry size (components in the city)
//   16 f64 time of the readings, ms since epoch; 0 = time of receipt
// body: indices u32[count], values f32[count] (NaN = no reading), states u8[count]

export const BATCH_MAGIC = 0x42495443;
export const BATCH_VERSION = 1;
export const BATCH_HEADER = 24;
/** Changes one binary batch may carry (about 900 KB). */
export const MAX_BINARY_BATCH = 100_000;

export interface BinaryBatch {
  count: number;
  registrySize: number;
  /** ms since epoch, or 0 for "when received" */
  atMs: number;
  indices: Uint32Array;
  values: Float32Array;
  states: Uint8Array;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export const binaryBatchBytes = (count: number) => BATCH_HEADER + 9 * count;

/** Encodes the first `count` entries of the columns (scratch arrays may be longer). */
export function encodeBinaryBatch(
  registrySize: number, count: number, indices: ArrayLike<number>, states: ArrayLike<number>, values: ArrayLike<number>, atMs = 0,
  out?: Uint8Array,
): Uint8Array {
  const bytes = out ?? new Uint8Array(binaryBatchBytes(count));
  if (bytes.byteLength < binaryBatchBytes(count)) throw new Error('binary batch: output buffer too small');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  dv.setUint32(0, BATCH_MAGIC, true);
  dv.setUint8(4, BATCH_VERSION);
  dv.setUint8(5, 0);
  dv.setUint16(6, 0, true);
  dv.setUint32(8, count, true);
  dv.setUint32(12, registrySize, true);
  dv.setFloat64(16, atMs, true);
  if (LITTLE_ENDIAN && bytes.byteOffset % 4 === 0) {
    // the wire order is the machine's: copy columns whole
    const o = bytes.byteOffset + BATCH_HEADER;
    const I = new Uint32Array(bytes.buffer, o, count), V = new Float32Array(bytes.buffer, o + 4 * count, count);
    const S = new Uint8Array(bytes.buffer, o + 8 * count, count);
    if (ArrayBuffer.isView(indices)) I.set((indices as Uint32Array).subarray(0, count)); else for (let k = 0; k < count; k++) I[k] = indices[k]!;
    if (ArrayBuffer.isView(values)) V.set((values as Float32Array).subarray(0, count)); else for (let k = 0; k < count; k++) V[k] = values[k]!;
    if (ArrayBuffer.isView(states)) S.set((states as Uint8Array).subarray(0, count)); else for (let k = 0; k < count; k++) S[k] = states[k]!;
  } else {
    for (let k = 0; k < count; k++) {
      dv.setUint32(BATCH_HEADER + 4 * k, indices[k]!, true);
      dv.setFloat32(BATCH_HEADER + 4 * count + 4 * k, values[k]!, true);
      bytes[BATCH_HEADER + 8 * count + k] = states[k]!;
    }
  }
  return bytes.subarray(0, binaryBatchBytes(count));
}

/**
 * Decodes and checks a binary batch; throws an Error naming what is wrong (the first bad entry
 * with its position). Views share the input's memory when it is 4-byte aligned.
 * `registrySize` is the city's component count, when known.
 */
export function decodeBinaryBatch(input: Uint8Array, registrySize?: number): BinaryBatch {
  let bytes = input;
  if (bytes.byteLength < BATCH_HEADER) throw new Error(`binary batch: ${bytes.byteLength} bytes is shorter than the ${BATCH_HEADER}-byte header`);
  if (bytes.byteOffset % 4 !== 0) bytes = new Uint8Array(bytes); // a copy (Buffer.slice would be a view)
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint32(0, true) !== BATCH_MAGIC) throw new Error('binary batch: bad magic (expected "CTIB")');
  const version = dv.getUint8(4);
  if (version !== BATCH_VERSION) throw new Error(`binary batch: unsupported version ${version} (expected ${BATCH_VERSION})`);
  const count = dv.getUint32(8, true);
  if (count === 0) throw new Error('binary batch: a batch needs at least one change');
  if (count > MAX_BINARY_BATCH) throw new Error(`binary batch: ${count} changes, at most ${MAX_BINARY_BATCH} a batch`);
  const need = binaryBatchBytes(count);
  if (bytes.byteLength !== need) throw new Error(`binary batch: ${count} changes need ${need} bytes, got ${bytes.byteLength}`);
  const size = dv.getUint32(12, true);
  if (registrySize !== undefined && size !== registrySize) {
    throw new Error(`binary batch: made for a registry of ${size} components, the city has ${registrySize}; refresh the index map`);
  }
  const atMs = dv.getFloat64(16, true);
  if (!Number.isFinite(atMs) || atMs < 0) throw new Error(`binary batch: time ${atMs} is not a time`);
  const b = bytes.buffer, o = bytes.byteOffset + BATCH_HEADER;
  const indices = new Uint32Array(b, o, count);
  const values = new Float32Array(b, o + 4 * count, count);
  const states = new Uint8Array(b, o + 8 * count, count);
  for (let k = 0; k < count; k++) {
    if (indices[k]! >= size) throw new Error(`binary batch: change ${k}: component index ${indices[k]} is outside the registry (0..${size - 1})`);
    if (states[k]! >= STATE_COUNT) throw new Error(`binary batch: change ${k}: state ${states[k]} is not a state code (0..${STATE_COUNT - 1})`);
    const v = values[k]!;
    if (v === Infinity || v === -Infinity) throw new Error(`binary batch: change ${k}: value is infinite`);
  }
  return { count, registrySize: size, atMs, indices, values, states };
}

/** The zod schema at every binary boundary: bytes in, a checked batch out, the reason as the issue. */
export const binaryBatchSchema = z.instanceof(Uint8Array).transform((bytes, ctx) => {
  try {
    return decodeBinaryBatch(bytes);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: err instanceof Error ? err.message : String(err) });
    return z.NEVER;
  }
});
