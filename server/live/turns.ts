// Ingest in event-loop turns: a 100,000-change batch applied in one go was one long task that held
// up every socket and timer (about 60 ms on a quiet 2-core machine, far more on a loaded one).

/** Changes applied per event-loop turn (about 2 ms on this machine): a 100,000-change batch takes 25 turns. */
export const APPLY_CHUNK = 4096;

type Apply<C, S> = (city: C, n: number, indices: ArrayLike<number>, states: ArrayLike<number>, values: ArrayLike<number>, atMs: number | ArrayLike<number>, source: S) => void;

interface Queued<C, S> {
  city: C; n: number; done: number; indices: Uint32Array; states: Uint8Array; values: Float32Array;
  atMs: number | Float64Array; source: S; resolve: () => void;
}

/**
 * A batch that fits in a turn is applied at once when nothing waits; otherwise it is copied (the
 * caller's arrays may be a message's buffer) and queued, and the queue is applied APPLY_CHUNK
 * changes a turn. Batches apply in the order they came.
 */
export class ApplyTurns<C, S> {
  private queued: Queued<C, S>[] = [];

  constructor(private readonly applyNow: Apply<C, S>, private readonly chunk = APPLY_CHUNK) {}

  apply(city: C, n: number, indices: ArrayLike<number>, states: ArrayLike<number>, values: ArrayLike<number>, atMs: number | ArrayLike<number>, source: S): Promise<void> {
    if (this.queued.length === 0 && n <= this.chunk) {
      this.applyNow(city, n, indices, states, values, atMs, source);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.queued.push({
        city, n, done: 0, source, resolve,
        indices: Uint32Array.from(indices), states: Uint8Array.from(states), values: Float32Array.from(values),
        atMs: typeof atMs === 'number' ? atMs : Float64Array.from(atMs),
      });
      if (this.queued.length === 1) setImmediate(this.drain);
    });
  }

  private readonly drain = () => {
    let budget = this.chunk;
    while (budget > 0 && this.queued.length) {
      const q = this.queued[0]!, from = q.done, k = Math.min(budget, q.n - from), to = from + k;
      const at = typeof q.atMs === 'number' ? q.atMs : q.atMs.subarray(from, to);
      this.applyNow(q.city, k, q.indices.subarray(from, to), q.states.subarray(from, to), q.values.subarray(from, to), at, q.source);
      q.done = to;
      budget -= k;
      if (q.done === q.n) {
        this.queued.shift();
        q.resolve();
      }
    }
    if (this.queued.length) setImmediate(this.drain);
  };
}
