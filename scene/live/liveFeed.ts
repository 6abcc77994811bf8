import type * as THREE from 'three';
import type { ComponentLayer } from '../components/componentLayer';
import type { TwinLayer } from '../core/types';
import type { PreparedCity } from '../data/prepare';
import { LiveClient, type LiveConnection } from './liveClient';
import type { WorkerOut } from './protocol';
import { viewGrids } from './viewGrids';

export interface LiveFeedHost {
  layers(): readonly TwinLayer[];
  components(): ComponentLayer | null;
  onSeq(seq: number): void;
  onConnection(c: LiveConnection): void;
  /** something visible changed: a frame of the Three layer */
  requestThree(): void;
  /** live data changed (React reads it on its next render) */
  touched(): void;
}

/**
 * The live stream into the layers: the client (its worker owns the socket) hands each pull's
 * changes to every layer's live(); twice a second the unit grids in view go to the server and
 * the changes-per-second figure is updated.
 */
export class LiveFeed {
  readonly client: LiveClient;
  changesPerSec = 0;
  private changeCount = 0;
  private lastTick = performance.now();

  constructor(slug: string, city: PreparedCity, extent: [number, number, number, number], private readonly host: LiveFeedHost) {
    const comp = city.layers.components;
    // the positions are copies: handed over to the worker, not cloned
    this.client = new LiveClient(slug, { total: comp.count, gridCount: city.layers.grids.count, map: { x: comp.x.slice(), y: comp.y.slice(), extent } }, {
      onChanges: (m) => this.apply(m),
      onConnection: (c) => host.onConnection(c),
      spare: () => host.components()?.map.takeSpare() ?? [],
      mapMinLevel: () => host.components()?.mapMinLevel ?? 0,
    });
    this.client.connect();
  }

  /** What changed since the last pull, to the layers; true when something visible changed. */
  private apply(m: Extract<WorkerOut, { type: 'changes' }>): boolean {
    let visible = false;
    const layers = this.host.layers();
    for (let i = 0; i < layers.length; i++) if (layers[i]!.live?.(m)) visible = true;
    this.changeCount += m.deltaEntries;
    if (m.seq >= 0) this.host.onSeq(m.seq);
    if (m.indices.length > 0 || m.grids.length > 0) this.host.touched();
    if (visible) {
      if (m.indices.length) this.client.changesShown(m.arrivedAt);
      this.host.requestThree();
    }
    return visible;
  }

  /** Twice a second: the grids in view (camera synced by the caller) and the rate. */
  tick(cam: THREE.PerspectiveCamera | null, gridCount: number) {
    const c = this.host.components();
    if (c && cam) this.client.setView(viewGrids(c, cam, gridCount));
    const now = performance.now();
    const cps = (this.changeCount * 1000) / Math.max(1, now - this.lastTick);
    this.changeCount = 0;
    this.lastTick = now;
    this.changesPerSec = 0.5 * this.changesPerSec + 0.5 * cps;
  }

  close() {
    this.client.close();
  }
}
