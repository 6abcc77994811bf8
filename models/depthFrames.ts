// Quantised water-depth frames of a flood run, for streaming to viewers and for the
// `simulate --frames` file. Depth is in millimetres (Uint16, saturating at 65.535 m). A frame
// is dense (every cell) or sparse (wet cells only), whichever is smaller: most of a city is dry
// in most frames, but a storm wets everything.
//
// Frame, little-endian, 32-byte header:
//   0 u32 magic "CTDF"   4 u8 version (1)   5 u8 kind (1 dense, 2 sparse)   6 u16 reserved
//   8 u32 seq   12 u32 cols   16 u32 rows   20 u32 count (cells, or wet cells when sparse)
//   24 f64 t (s since the start of the run)
// dense:  u16 depthMm[cols * rows]
// sparse: u32 index[count], then u16 depthMm[count]

export const DEPTH_FRAME_MAGIC = 0x46445443; // "CTDF"
const HEADER = 32;
export const DEPTH_DENSE = 1;
export const DEPTH_SPARSE = 2;

export interface DepthFrame {
  seq: number;
  t: number;
  cols: number;
  rows: number;
  /** depth per cell in mm, row 0 = north, like the DEM */
  depthMm: Uint16Array;
}

export function encodeDepthFrame(f: DepthFrame): Uint8Array {
  const n = f.cols * f.rows;
  if (f.depthMm.length !== n) throw new Error(`depth frame: ${f.depthMm.length} values for ${f.cols} x ${f.rows} cells`);
  let wet = 0;
  for (let i = 0; i < n; i++) if (f.depthMm[i] !== 0) wet++;
  const sparse = wet * 6 < n * 2;
  const count = sparse ? wet : n;
  const out = new Uint8Array(HEADER + (sparse ? 6 * wet : 2 * n));
  const dv = new DataView(out.buffer);
  dv.setUint32(0, DEPTH_FRAME_MAGIC, true);
  dv.setUint8(4, 1);
  dv.setUint8(5, sparse ? DEPTH_SPARSE : DEPTH_DENSE);
  dv.setUint32(8, f.seq >>> 0, true);
  dv.setUint32(12, f.cols, true);
  dv.setUint32(16, f.rows, true);
  dv.setUint32(20, count, true);
  dv.setFloat64(24, f.t, true);
  if (!sparse) {
    new Uint16Array(out.buffer, HEADER, n).set(f.depthMm);
    return out;
  }
  const idx = new Uint32Array(out.buffer, HEADER, wet);
  const mm = new Uint16Array(out.buffer, HEADER + 4 * wet, wet);
  for (let i = 0, k = 0; i < n; i++) {
    const d = f.depthMm[i]!;
    if (d !== 0) { idx[k] = i; mm[k++] = d; }
  }
  return out;
}

/** Decodes one frame at the start of `bytes`; `size` is how many bytes it took. */
export function decodeDepthFrame(bytes: Uint8Array): DepthFrame & { size: number } {
  if (bytes.byteLength < HEADER) throw new Error(`depth frame: ${bytes.byteLength} bytes is shorter than the ${HEADER}-byte header`);
  const b = bytes.byteOffset % 4 === 0 ? bytes : new Uint8Array(bytes);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (dv.getUint32(0, true) !== DEPTH_FRAME_MAGIC) throw new Error('depth frame: bad magic');
  if (dv.getUint8(4) !== 1) throw new Error(`depth frame: unsupported version ${dv.getUint8(4)}`);
  const kind = dv.getUint8(5);
  const seq = dv.getUint32(8, true), cols = dv.getUint32(12, true), rows = dv.getUint32(16, true), count = dv.getUint32(20, true);
  const t = dv.getFloat64(24, true);
  const n = cols * rows;
  if (kind === DEPTH_DENSE) {
    const size = HEADER + 2 * n;
    if (count !== n || b.byteLength < size) throw new Error(`depth frame: dense frame of ${n} cells needs ${size} bytes, got ${b.byteLength}`);
    return { seq, t, cols, rows, depthMm: new Uint16Array(b.buffer.slice(b.byteOffset + HEADER, b.byteOffset + size)), size };
  }
  if (kind === DEPTH_SPARSE) {
    const size = HEADER + 6 * count;
    if (count > n || b.byteLength < size) throw new Error(`depth frame: sparse frame of ${count} wet cells needs ${size} bytes, got ${b.byteLength}`);
    const idx = new Uint32Array(b.buffer, b.byteOffset + HEADER, count);
    const mm = new Uint16Array(b.buffer, b.byteOffset + HEADER + 4 * count, count);
    const depthMm = new Uint16Array(n);
    for (let k = 0; k < count; k++) {
      const i = idx[k]!;
      if (i >= n) throw new Error(`depth frame: wet cell ${i} outside the ${cols} x ${rows} grid`);
      depthMm[i] = mm[k]!;
    }
    return { seq, t, cols, rows, depthMm, size };
  }
  throw new Error(`depth frame: unknown kind ${kind}`);
}

const pad4 = (n: number) => (n + 3) & ~3;

/** Frames back to back (each padded to 4 bytes), as `simulate --frames` writes them. */
export function encodeDepthFrames(frames: DepthFrame[]): Uint8Array {
  const parts = frames.map(encodeDepthFrame);
  const out = new Uint8Array(parts.reduce((s, p) => s + pad4(p.byteLength), 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += pad4(p.byteLength); }
  return out;
}

export function decodeDepthFrames(bytes: Uint8Array): DepthFrame[] {
  const out: DepthFrame[] = [];
  let o = 0;
  while (o < bytes.byteLength) {
    const f = decodeDepthFrame(bytes.subarray(o));
    out.push({ seq: f.seq, t: f.t, cols: f.cols, rows: f.rows, depthMm: f.depthMm });
    o += pad4(f.size);
  }
  return out;
}
