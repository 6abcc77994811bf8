/**
 * Positions 0..n-1 of a batch ordered by component index: a stable LSD radix sort, 11 bits a
 * pass (two passes up to 4 million components). Applying a batch in this order walks the
 * city's state and history arrays front to back, so the hardware prefetcher hides the memory
 * latency that random order pays on every entry (measured here: 175 ns vs 25-40 ns a history
 * record). Stable: of two changes to one component, the later still lands last.
 */
export class IndexOrder {
  private a = new Uint32Array(0);
  private b = new Uint32Array(0);
  private readonly counts = new Uint32Array(2049);

  sort(n: number, indices: ArrayLike<number>, registrySize: number): Uint32Array {
    if (this.a.length < n) {
      this.a = new Uint32Array(Math.max(n, 2 * this.a.length));
      this.b = new Uint32Array(this.a.length);
    }
    let src = this.a, dst = this.b;
    for (let k = 0; k < n; k++) src[k] = k;
    const c = this.counts;
    for (let shift = 0; shift === 0 || (registrySize - 1) >>> shift > 0; shift += 11) {
      c.fill(0);
      for (let k = 0; k < n; k++) c[((indices[src[k]!]! >>> shift) & 2047) + 1]!++;
      for (let d = 1; d < 2049; d++) c[d]! += c[d - 1]!;
      for (let k = 0; k < n; k++) {
        const p = src[k]!;
        dst[c[(indices[p]! >>> shift) & 2047]!++] = p;
      }
      const t = src; src = dst; dst = t;
    }
    return src;
  }
}
