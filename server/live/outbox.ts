// The live fan-out's frames leave a few milliseconds' worth per event-loop turn: a tick's writes to
// 50 clients (a socket write each) took hundreds of ms in one turn on a loaded machine, stalling
// ingest. One FIFO for every frame keeps each client's order (snapshots included).

export class Outbox<T> {
  private items: (T | undefined)[] = [];
  private head = 0;
  private draining = false;

  constructor(private readonly send: (item: T) => void, private readonly msPerTurn = 8) {}

  /** frames still waiting from an earlier turn */
  get busy(): boolean { return this.draining; }

  push(item: T): void {
    this.items.push(item);
    if (!this.draining) {
      this.draining = true;
      setImmediate(this.drain);
    }
  }

  private readonly drain = () => {
    const t0 = performance.now();
    while (this.head < this.items.length && performance.now() - t0 < this.msPerTurn) {
      const item = this.items[this.head]!;
      this.items[this.head++] = undefined;
      this.send(item);
    }
    if (this.head < this.items.length) { setImmediate(this.drain); return; }
    this.items = [];
    this.head = 0;
    this.draining = false;
  };
}
