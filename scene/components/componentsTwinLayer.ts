import type * as THREE from 'three';
import type { FrameInfo, LayerContext, PickHit, Selection, TwinInputs, TwinLayer } from '../core/types';
import { floodUniforms } from '../flood/floodUniforms';
import type { WorkerOut } from '../live/protocol';
import { ComponentLayer } from './componentLayer';

/**
 * The managed components as a twin layer: ComponentLayer (shapes near, points, the state map far)
 * fed by the live stream; picks near shapes exactly, far discs by their drawn size. Components
 * under flood water are tinted in their shaders from the flood depth texture (floodUniforms).
 */
export class ComponentsTwinLayer implements TwinLayer {
  readonly id = 'components';
  readonly pickOrder = 0;
  private ctx!: LayerContext;
  c!: ComponentLayer;
  /** latest reading per component (NaN: none) */
  values!: Float32Array;

  attach(ctx: LayerContext) {
    this.ctx = ctx;
    const { layers, componentZ } = ctx.city;
    this.c = new ComponentLayer(layers.components, componentZ, ctx.info.extent, floodUniforms(ctx));
    this.values = new Float32Array(layers.components.count).fill(NaN);
    ctx.root.add(this.c.group);
  }

  update(changed: Partial<TwinInputs>) {
    if (changed.layers) this.c.group.visible = changed.layers.components;
  }

  beforeRender(f: FrameInfo) {
    this.c.update(f.camera.position, f.mPerPx1);
    this.c.map.flush(f.renderer);
  }

  /**
   * What changed since the last pull into the attributes (coalesced in the live worker). Needs a
   * frame only when a colour changed: readings alone are not drawn.
   */
  live(m: Extract<WorkerOut, { type: 'changes' }>): boolean {
    const c = this.c, values = this.values;
    let visible = false;
    const sel = this.ctx.inputs.selection;
    const n = c.c.count, selIndex = sel?.kind === 'component' ? sel.index : -1;
    const { indices, states, values: vals } = m;
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k]!;
      if (i >= n) continue;
      const to = states[k]!;
      if (c.states[i] !== to) {
        c.writeColor(i, to);
        visible = true;
        if (i === selIndex) this.ctx.selectionLive();
      }
      values[i] = vals[k]!;
    }
    if (visible) c.flushColors();
    if (m.mapBands.length > 0) {
      c.map.queue(m.mapBands);
      visible = true;
    }
    return visible;
  }

  pick(hit: PickHit): Selection | undefined {
    if (!this.ctx.inputs.layers.components) return undefined;
    const p = this.c.raycast(hit.ray, hit.camera.position, hit.t);
    if (p) return { kind: 'component', index: p.index };
    // far components are drawn as discs: the nearest disc under the click (a few px of slack for
    // fingers), if nothing opaque is in front of it
    const i = this.c.pickFar(hit.px, hit.py, hit.camera, hit.width, hit.height, this.c.mPerPx1, 3, (q: THREE.Vector3) => !hit.occluded(q));
    return i >= 0 ? { kind: 'component', index: i } : undefined;
  }

  debugHide(part: string, hidden: boolean) {
    if (part === 'proxy') this.c.hideProxy = hidden;
    if (part === 'detail') this.c.hideDetail = hidden;
  }

  dispose() {
    this.c.map.dispose();
  }
}
