import * as THREE from 'three';
import type { LayerContext } from '../core/types';

/**
 * The shown flood frame as uniforms other layers' shaders read (components tint themselves
 * under water): one per engine, in ctx.shared. The flood layer writes them; the depth texture
 * is the flood layer's (half-float metres, row 0 = north, linear filtering).
 */
export interface FloodUniforms {
  uFloodDepth: { value: THREE.Texture | null };
  /** (xll, y of the north edge, 1 / width, 1 / height) of the run grid, metres */
  uFloodXform: { value: THREE.Vector4 };
  /** 1 while a run is shown */
  uFloodOn: { value: number };
  [k: string]: THREE.IUniform;
}

export function createFloodUniforms(): FloodUniforms {
  return { uFloodDepth: { value: null }, uFloodXform: { value: new THREE.Vector4(0, 0, 1, 1) }, uFloodOn: { value: 0 } };
}

/** The engine's flood uniforms (made by whichever layer asks first). */
export function floodUniforms(ctx: LayerContext): FloodUniforms {
  let u = ctx.shared.get('flood') as FloodUniforms | undefined;
  if (!u) {
    u = createFloodUniforms();
    ctx.shared.set('flood', u);
  }
  return u;
}

/** GLSL: the uniforms and floodDepthAt(world xy) in metres (0 when no run is shown or outside). */
export const FLOOD_GLSL = /* glsl */ `
  uniform sampler2D uFloodDepth;
  uniform vec4 uFloodXform;
  uniform float uFloodOn;
  vec2 floodUv(vec2 xy) { return vec2((xy.x - uFloodXform.x) * uFloodXform.z, (uFloodXform.y - xy.y) * uFloodXform.w); }
  float floodDepthAt(vec2 xy) {
    if (uFloodOn < 0.5) return 0.0;
    vec2 uv = floodUv(xy);
    if (uv.x < 0.0 || uv.y < 0.0 || uv.x > 1.0 || uv.y > 1.0) return 0.0;
    return textureLod(uFloodDepth, uv, 0.0).r;
  }
`;

/** Depth (m) over which a component counts as under water and is tinted. */
export const COMPONENT_WET_M = 0.15;
