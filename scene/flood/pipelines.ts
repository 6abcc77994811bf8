import * as THREE from 'three';
import { buildRibbons } from './roadMarks';

/** The depth texture the flood materials sample: R16F half floats, linear, row 0 north. */
export function createDepthTexture(half: Uint16Array, cols: number, rows: number): THREE.DataTexture {
  const t = new THREE.DataTexture(half, cols, rows, THREE.RedFormat, THREE.HalfFloatType);
  t.magFilter = THREE.LinearFilter;
  t.minFilter = THREE.LinearFilter;
  t.generateMipmaps = false;
  // rows of 2-byte texels: an odd column count is not 4-byte aligned
  t.unpackAlignment = 2;
  t.needsUpdate = true;
  return t;
}

/**
 * Without a GPU (SwiftShader) the renderer builds a draw's pipeline on its first use, for the
 * texture formats bound then: the first run's frame paid for every material that samples the
 * depth texture and for the water and road marks, over a second in all. So the flood layer binds
 * a 1 x 1 depth texture of the run's format from the start, and half a second after the twin's
 * first frame this draws the water's and the road marks' materials once on a sliver each (dry
 * and hidden: nothing shows), then removes them.
 */
export class PipelineWarmUp {
  private at = 0;
  private meshes: THREE.Mesh[] | null = null;

  constructor(private readonly o: {
    root: THREE.Object3D; requestThree(): void; groundZ(x: number, y: number): number;
    water: THREE.Mesh; marks: THREE.Material;
  }) {}

  /** Called after every drawn frame until it is done. */
  afterRender() {
    const o = this.o;
    if (this.at < 0) return;
    if (this.meshes) {
      // the water sliver shares the terrain's buffers: disposing its geometry would free them too
      for (const m of this.meshes) { m.removeFromParent(); if (m.material !== o.water.material) m.geometry.dispose(); }
      this.meshes = null;
      this.at = -1;
      return;
    }
    if (this.at === 0) { this.at = performance.now() + 500; setTimeout(() => o.requestThree(), 520); return; }
    if (performance.now() < this.at) return;
    const water = new THREE.BufferGeometry();
    for (const name of ['position', 'normal', 'uv']) water.setAttribute(name, o.water.geometry.getAttribute(name));
    water.setIndex([0, 1, 2]);
    const ribbon = buildRibbons(Float32Array.of(0, 0, 1, 0), Float32Array.of(1), 1, o.groundZ);
    this.meshes = [new THREE.Mesh(water, o.water.material), new THREE.Mesh(ribbon.geometry, o.marks)];
    for (const m of this.meshes) { m.frustumCulled = false; o.root.add(m); }
    o.requestThree();
  }
}
