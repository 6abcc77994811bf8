// Colours of the difference map (maximum depth B - A): one hue for worse (deeper in B), one for
// better, nothing drawn in the neutral band around zero; stronger with the size of the change.
// Pure, so the legend and the tests use the same table as the texture.
import { BETTER_RGB, DIFF_ALPHA as ALPHA, DIFF_NODATA, DIFF_STEPS, WORSE_RGB } from '../../models/runCompare';

// the table lives in models/ (the PDF report draws the same colours)
export { BETTER_RGB, DIFF_STEPS, WORSE_RGB };

/** RGBA8 per cell from Int16 millimetres (row 0 north, as the run grids). */
export function diffRgba(diffMm: Int16Array, out = new Uint8Array(diffMm.length * 4)): Uint8Array {
  const steps = DIFF_STEPS.map((m) => m * 1000);
  for (let i = 0; i < diffMm.length; i++) {
    const v = diffMm[i]!;
    const a = v === DIFF_NODATA ? 0 : Math.abs(v);
    const o = 4 * i;
    if (a <= steps[0]!) {
      out[o + 3] = 0;
      continue;
    }
    const rgb = v > 0 ? WORSE_RGB : BETTER_RGB;
    out[o] = rgb[0];
    out[o + 1] = rgb[1];
    out[o + 2] = rgb[2];
    out[o + 3] = ALPHA[a > steps[2]! ? 2 : a > steps[1]! ? 1 : 0]!;
  }
  return out;
}

/** Int16 millimetres from the API's base64 (little-endian, as every browser stores them). */
export function decodeDiff(base64: string): Int16Array {
  const bin = atob(base64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Int16Array(bytes.buffer, 0, bytes.length >> 1);
}
