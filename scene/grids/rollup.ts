import { FIVE_COLOURS } from '../../models/fiveColour';

/** FIVE_COLOURS as packed sRGB bytes, index = level. */
export function fiveColourBytes(): Uint8Array {
  const out = new Uint8Array(FIVE_COLOURS.length * 3);
  FIVE_COLOURS.forEach((c, i) => {
    const v = parseInt(c.color.slice(1), 16);
    out[3 * i] = (v >> 16) & 255; out[3 * i + 1] = (v >> 8) & 255; out[3 * i + 2] = v & 255;
  });
  return out;
}
