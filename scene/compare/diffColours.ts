// Colours of the difference map (maximum depth B - A): one hue for worse (deeper in B), one for
// better, nothing drawn in the neutral band around zero; stronger with the size of the change.
// Pure, so the legend and the tests use the same table as the texture.
import { COMPARE_NEUTRAL_M, DIFF_NODATA } from '../../models/runCompare';

export const WORSE_RGB = [215, 48, 39] as const;
export const BETTER_RGB = [33, 113, 181] as const;
/** |change| from which each alpha step holds (m): neutral band, then 10 cm, then 30 cm */
export const DIFF_STEPS = [COMPARE_NEUTRAL_M, 0.1, 0.3] as const;
const ALPHA = [120, 180, 230];

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
