import { FIVE_COLOURS, gridRiskIndex, riskLevel, STATE_COUNT } from '../../models/fiveColour';

/**
 * Per-unit-grid counts of components by state, kept current as live frames arrive, and the
 * five-colour risk level derived from them (models/fiveColour.ts). Until the server streams
 * roll-ups, the browser computes them from the component states it already has.
 */
export class GridRollup {
  readonly counts: Int32Array;
  readonly level: Uint8Array;
  private readonly dirty: Uint8Array;
  private readonly dirtyList: Uint32Array;
  private nDirty = 0;

  constructor(readonly gridCount: number, private readonly unitGridOf: Uint32Array) {
    this.counts = new Int32Array(gridCount * STATE_COUNT);
    this.level = new Uint8Array(gridCount);
    this.dirty = new Uint8Array(gridCount);
    this.dirtyList = new Uint32Array(gridCount);
  }

  /** Full recount from a state column (snapshot). */
  reset(states: Uint8Array) {
    this.counts.fill(0);
    for (let i = 0; i < states.length; i++) {
      const g = this.unitGridOf[i]!;
      if (g < this.gridCount) this.counts[g * STATE_COUNT + Math.min(states[i]!, STATE_COUNT - 1)]!++;
    }
    for (let g = 0; g < this.gridCount; g++) this.markDirty(g);
  }

  change(component: number, from: number, to: number) {
    const g = this.unitGridOf[component]!;
    if (g >= this.gridCount || from === to) return;
    this.counts[g * STATE_COUNT + Math.min(from, STATE_COUNT - 1)]!--;
    this.counts[g * STATE_COUNT + Math.min(to, STATE_COUNT - 1)]!++;
    this.markDirty(g);
  }

  private markDirty(g: number) {
    if (this.dirty[g]) return;
    this.dirty[g] = 1;
    this.dirtyList[this.nDirty++] = g;
  }

  /** Recomputes dirty grids' levels, writing sRGB colour bytes (RGBA) into `rgba`; returns how many changed. */
  flush(rgba: Uint8Array, colours: Uint8Array): number {
    let changed = 0;
    for (let k = 0; k < this.nDirty; k++) {
      const g = this.dirtyList[k]!;
      this.dirty[g] = 0;
      const lv = riskLevel(gridRiskIndex(this.counts.subarray(g * STATE_COUNT, (g + 1) * STATE_COUNT)));
      if (lv !== this.level[g] || rgba[4 * g + 3] === 0) changed++;
      this.level[g] = lv;
      rgba[4 * g] = colours[3 * lv]!;
      rgba[4 * g + 1] = colours[3 * lv + 1]!;
      rgba[4 * g + 2] = colours[3 * lv + 2]!;
      rgba[4 * g + 3] = 255;
    }
    this.nDirty = 0;
    return changed;
  }
}

/** FIVE_COLOURS as packed sRGB bytes, index = level. */
export function fiveColourBytes(): Uint8Array {
  const out = new Uint8Array(FIVE_COLOURS.length * 3);
  FIVE_COLOURS.forEach((c, i) => {
    const v = parseInt(c.color.slice(1), 16);
    out[3 * i] = (v >> 16) & 255; out[3 * i + 1] = (v >> 8) & 255; out[3 * i + 2] = v & 255;
  });
  return out;
}
