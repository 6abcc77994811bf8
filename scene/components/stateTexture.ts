import * as THREE from 'three';
import { COMPONENT_STATES } from '../../models/components';
import { RANK_ORDER, type MapBand, type MapGeometry } from './stateMap';

/** Linear RGB per rank (index rank - 1): the state's colour, stale washed grey like the points. */
export function rankPalette(staleGrey: number): THREE.Vector3[] {
  const c = new THREE.Color();
  return RANK_ORDER.map((k) => {
    if (k === 'stale') return new THREE.Vector3(staleGrey, staleGrey, staleGrey);
    c.set(COMPONENT_STATES.find((s) => s.key === k)!.color);
    return new THREE.Vector3(c.r, c.g, c.b);
  });
}

/**
 * The map on the GPU: an R8 texture with its own mip chain (never generated: averaging
 * categories would mean nothing). Row bands from the live worker are queued and sent once per
 * drawn frame, straight to GL (three's update ranges are for RGBA level 0 only).
 */
export class StateTexture {
  readonly texture: THREE.DataTexture;
  /** world (x, y) -> uv scale: uv = (xy - corner) * uvPerM */
  readonly uvPerM: number;
  private pending: MapBand[] = [];
  /** buffers of uploaded bands, to hand back to the live worker (StateMap.takeBands) */
  readonly spare: ArrayBuffer[] = [];
  private uploaded = false;

  /** Empty until the live worker's first bands (its whole starting map) arrive. */
  constructor(readonly geometry: MapGeometry) {
    const { size } = geometry;
    this.uvPerM = 1 / (size * geometry.texelM);
    const mipmaps: { data: Uint8Array; width: number; height: number }[] = [];
    for (let s = size; s >= 1; s >>= 1) mipmaps.push({ data: new Uint8Array(s * s), width: s, height: s });
    this.texture = new THREE.DataTexture(mipmaps[0]!.data, size, size, THREE.RedFormat, THREE.UnsignedByteType);
    this.texture.mipmaps = mipmaps as unknown as THREE.DataTexture['mipmaps'];
    this.texture.generateMipmaps = false;
    this.texture.minFilter = THREE.NearestMipmapNearestFilter;
    this.texture.magFilter = THREE.NearestFilter;
    this.texture.unpackAlignment = 1;
    this.texture.needsUpdate = true;
  }

  /** Queues changed rows (from StateMap.takeBands, possibly in the live worker). */
  queue(bands: MapBand[]) {
    for (const b of bands) this.pending.push(b);
  }

  /** The uploaded bands' buffers, emptied (the caller transfers them back to the worker). */
  takeSpare(): ArrayBuffer[] {
    return this.spare.splice(0, this.spare.length);
  }

  /** Sends the queued row bands; call before drawing, with the renderer that draws the texture. */
  flush(renderer: THREE.WebGLRenderer) {
    if (!this.uploaded) {
      // the first upload (all levels) is three's; afterwards row bands go straight to GL
      renderer.initTexture(this.texture);
      this.uploaded = true;
    }
    if (this.pending.length === 0) return;
    const gl = renderer.getContext() as WebGL2RenderingContext;
    const glTex = (renderer.properties.get(this.texture) as { __webglTexture?: WebGLTexture }).__webglTexture;
    if (!glTex) return;
    const st = renderer.state;
    st.activeTexture(gl.TEXTURE0);
    st.bindTexture(gl.TEXTURE_2D, glTex);
    st.pixelStorei(gl.UNPACK_ALIGNMENT, 1);
    for (const b of this.pending) {
      const s = this.geometry.size >> b.level;
      gl.texSubImage2D(gl.TEXTURE_2D, b.level, 0, b.row0, s, b.data.length / s, gl.RED, gl.UNSIGNED_BYTE, b.data);
      if (this.spare.length < 16) this.spare.push(b.data.buffer as ArrayBuffer);
    }
    this.pending.length = 0;
    st.unbindTexture();
  }

  dispose() {
    this.texture.dispose();
  }
}
