/** Components per bucket: within 16 neighbours, order does not matter to the caches. */
const SHIFT = 4;

/**
 * Positions 0..n-1 of a batch ordered by component index, to within 2^SHIFT: one counting-sort
 * pass, stable. Applying a batch in this order walks the city's state and history arrays front
 * to back, so the hardware prefetcher hides the memory latency that random order pays on every
 * entry (measured here: 175 ns vs 25-40 ns a history record). Stable: of two changes to one
 * component, the later still lands last.
 */
export class IndexOrder {
  private a = new Uint32Array(0);
  private counts = new Uint32Array(0);

  sort(n: number, indices: ArrayLike<number>, registrySize: number): Uint32Array {
    if (this.a.length < n) this.a = new Uint32Array(Math.max(n, 2 * this.a.length));
    const buckets = (registrySize >>> SHIFT) + 2;
    if (this.counts.length < buckets) this.counts = new Uint32Array(buckets);
    const c = this.counts, out = this.a;
    c.fill(0, 0, buckets);
    for (let k = 0; k < n; k++) c[(indices[k]! >>> SHIFT) + 1]!++;
    for (let d = 1; d < buckets; d++) c[d]! += c[d - 1]!;
    for (let k = 0; k < n; k++) out[c[indices[k]! >>> SHIFT]!++] = k;
    return out;
  }
}
