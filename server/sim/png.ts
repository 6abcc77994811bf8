// A depth colour ramp over a hillshade, for quick looks at a run's maximum depth (`simulate --png`).
import { encodePng } from '../png';

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
          // Sheet flow of a few centimetres shows faintly over the ground; from 15 cm it is opaque.
          const a = Math.min(1, 0.25 + (0.75 * h) / 0.15);
          px = [
            Math.round(a * 170 * (1 - k) + (1 - a) * g),
            Math.round(a * (220 - 170 * k) + (1 - a) * g),
            Math.round(a * (255 - 90 * k) + (1 - a) * g),
          ];
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
