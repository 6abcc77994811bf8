// A tiny PNG encoder (RGB, zlib via node:zlib) and a depth colour ramp, for quick looks at a
// run's maximum depth (`simulate --png`) without any imaging dependency.
import { deflateSync } from 'node:zlib';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, data.length);
  for (let k = 0; k < 4; k++) out[4 + k] = type.charCodeAt(k);
  out.set(data, 8);
  dv.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** Encode width x height RGB pixels (row-major, top row first). */
export function encodePng(width: number, height: number, rgb: Uint8Array): Uint8Array {
  const raw = new Uint8Array(height * (1 + width * 3));
  for (let y = 0; y < height; y++) raw.set(rgb.subarray(y * width * 3, (y + 1) * width * 3), y * (1 + width * 3) + 1);
  const ihdr = new Uint8Array(13);
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, width);
  dv.setUint32(4, height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const parts = [new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * Max depth over a hillshaded grey terrain: dry cells grey by elevation, wet cells (>= 1 cm)
 * from light blue to dark blue at `depthScale` metres, the 15/20/27 cm thresholds visible as
 * steps; cells outside the domain black. `scale` repeats pixels for small grids.
 */
export function depthPicture(cols: number, rows: number, z: Float32Array, depth: Float32Array, depthScale = 1, scale = 1): Uint8Array {
  let zmin = Infinity, zmax = -Infinity;
  for (const v of z) if (v === v) {
    if (v < zmin) zmin = v;
    if (v > zmax) zmax = v;
  }
  const W = cols * scale, H = rows * scale;
  const rgb = new Uint8Array(W * H * 3);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      const zi = z[i]!;
      let px: [number, number, number];
      if (zi !== zi) px = [0, 0, 0];
      else {
        // hillshade from the north-west
        const zw = c > 0 && z[i - 1] === z[i - 1] ? z[i - 1]! : zi;
        const zn = r > 0 && z[i - cols] === z[i - cols] ? z[i - cols]! : zi;
        const shade = Math.max(0, Math.min(1, 0.75 + 0.6 * (zw - zi + (zn - zi))));
        const g = (60 + 150 * ((zi - zmin) / (zmax - zmin || 1))) * shade;
        const h = depth[i]!;
        if (h >= 0.01) {
          const u = Math.min(1, h / depthScale);
          const step = h >= 0.27 ? 0.15 : h >= 0.2 ? 0.1 : h >= 0.15 ? 0.05 : 0;
          const k = Math.min(1, u * 0.85 + step);
          px = [Math.round(170 * (1 - k)), Math.round(220 - 170 * k), Math.round(255 - 90 * k)];
        } else px = [g, g, g];
      }
      for (let dy = 0; dy < scale; dy++)
        for (let dx = 0; dx < scale; dx++) {
          const o = ((r * scale + dy) * W + c * scale + dx) * 3;
          rgb[o] = px[0];
          rgb[o + 1] = px[1];
          rgb[o + 2] = px[2];
        }
    }
  return encodePng(W, H, rgb);
}
