// Columnar binary container for bulk static layers (terrain, buildings, roads, grids,
// components): a small JSON header describing named typed arrays, then the arrays themselves,
// each 8-byte aligned so the reader takes zero-copy views.
//
//   bytes 0..3   magic "CTPK"
//   bytes 4..7   u32 LE header length H
//   bytes 8..8+H UTF-8 JSON { v: 1, meta, arrays: [{ name, type, length, offset }] }
//   then arrays at their offsets (from the start of the buffer)

export type TypedArray =
  | Float32Array | Float64Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array;

const CTORS = {
  f32: Float32Array, f64: Float64Array, i32: Int32Array, u32: Uint32Array,
  i16: Int16Array, u16: Uint16Array, i8: Int8Array, u8: Uint8Array,
} as const;
type TypeKey = keyof typeof CTORS;

function typeKeyOf(a: TypedArray): TypeKey {
  for (const [k, C] of Object.entries(CTORS)) if (a instanceof C) return k as TypeKey;
  throw new Error('pack: unsupported array type');
}

const MAGIC = 0x4b505443; // "CTPK" little-endian

export interface Pack<M = unknown> {
  meta: M;
  arrays: Record<string, TypedArray>;
}

export function encodePack<M>(meta: M, arrays: Record<string, TypedArray>): Uint8Array {
  const entries = Object.entries(arrays).map(([name, a]) => ({ name, type: typeKeyOf(a), length: a.length, offset: 0, a }));
  // Offsets depend on the header length and the header holds the offsets: settle by iterating.
  let headerLen = 0;
  let json = '';
  for (let i = 0; i < 4; i++) {
    let off = align8(8 + headerLen);
    for (const e of entries) {
      e.offset = off;
      off = align8(off + e.a.byteLength);
    }
    json = JSON.stringify({ v: 1, meta, arrays: entries.map(({ name, type, length, offset }) => ({ name, type, length, offset })) });
    const len = new TextEncoder().encode(json).length;
    if (len === headerLen) break;
    headerLen = len;
  }
  const header = new TextEncoder().encode(json);
  const last = entries[entries.length - 1];
  const total = last ? align8(last.offset + last.a.byteLength) : align8(8 + header.length);
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, MAGIC, true);
  dv.setUint32(4, header.length, true);
  out.set(header, 8);
  for (const e of entries) out.set(new Uint8Array(e.a.buffer, e.a.byteOffset, e.a.byteLength), e.offset);
  return out;
}

export function decodePack<M = unknown>(buf: ArrayBuffer | Uint8Array): Pack<M> {
  const bytes = buf instanceof Uint8Array ? buf : new Uint8Array(buf);
  if (bytes.byteLength < 8) throw new Error('pack: truncated (shorter than its 8-byte prefix)');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint32(0, true) !== MAGIC) throw new Error('pack: bad magic (not a CTPK layer)');
  const headerLen = dv.getUint32(4, true);
  if (8 + headerLen > bytes.byteLength) throw new Error(`pack: header length ${headerLen} runs past the end (${bytes.byteLength} bytes)`);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLen))) as {
    v: number; meta: M; arrays: { name: string; type: TypeKey; length: number; offset: number }[];
  };
  if (header.v !== 1) throw new Error(`pack: unsupported version ${header.v}`);
  // Views need the arrays aligned in the underlying buffer; copy once if the caller's view is not.
  const base = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  const arrays: Record<string, TypedArray> = {};
  for (const a of header.arrays) {
    const C = CTORS[a.type];
    if (!C) throw new Error(`pack: array "${a.name}" has unknown type "${a.type}"`);
    const end = a.offset + a.length * C.BYTES_PER_ELEMENT;
    if (end > base.byteLength) throw new Error(`pack: array "${a.name}" runs past the end at byte ${end}`);
    arrays[a.name] = new C(base.buffer as ArrayBuffer, base.byteOffset + a.offset, a.length);
  }
  return { meta: header.meta, arrays };
}

function align8(n: number) {
  return (n + 7) & ~7;
}
