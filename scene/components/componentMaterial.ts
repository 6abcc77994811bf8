import * as THREE from 'three';
import { COMPONENT_WET_M, FLOOD_GLSL, type FloodUniforms } from '../flood/floodUniforms';

/** Under flood water (over COMPONENT_WET_M at the component's position) a colour goes this far towards water blue. */
const WET_GLSL = /* glsl */ `
  vec3 wetTint(vec3 c, vec2 xy) {
    return floodDepthAt(xy) > ${COMPONENT_WET_M.toFixed(3)} ? mix(c, vec3(0.05, 0.25, 0.9), 0.6) : c;
  }
`;

/**
 * Instanced component material. Per vertex: aBase (neutral colour), aMask (1 where the live
 * state colour shows); per instance: instanceMatrix (position + heading) and instanceColor (state).
 * Objects grow about their ground point when the camera is far so that a 0.8 m cover stays a few
 * pixels wide: s = clamp(uScaleK * distance, 1, uScaleMax); picking (componentLayer.ts) uses
 * the same formula, so what is drawn is what is hit.
 */
export function createComponentMaterial(flood: FloodUniforms) {
  return new THREE.ShaderMaterial({
    uniforms: {
      ...flood,
      uScaleK: { value: 0 },
      uScaleMax: { value: 30 },
      uLight: { value: new THREE.Vector3(0.45, -0.55, 0.7).normalize() },
    },
    vertexShader: /* glsl */ `
      attribute vec3 aBase;
      attribute float aMask;
      uniform float uScaleK;
      uniform float uScaleMax;
      varying vec3 vC;
      varying vec3 vN;
      ${FLOOD_GLSL}
      ${WET_GLSL}
      void main() {
        vec4 o = modelMatrix * instanceMatrix * vec4(0.0, 0.0, 0.0, 1.0);
        float s = clamp(uScaleK * distance(o.xyz, cameraPosition), 1.0, uScaleMax);
        vec4 w = modelMatrix * instanceMatrix * vec4(position * s, 1.0);
        #ifdef USE_INSTANCING_COLOR
          vC = mix(aBase, instanceColor, aMask);
        #else
          vC = aBase;
        #endif
        vC = wetTint(vC, o.xy);
        vN = normalize(mat3(modelMatrix) * mat3(instanceMatrix) * normal);
        gl_Position = projectionMatrix * viewMatrix * w;
      }`,
    fragmentShader: /* glsl */ `
      uniform vec3 uLight;
      varying vec3 vC;
      varying vec3 vN;
      void main() {
        vec3 n = normalize(vN);
        float diff = max(dot(n, uLight), 0.0);
        vec3 col = vC * (0.42 + 0.30 * (0.5 + 0.5 * n.z) + 0.45 * diff);
        gl_FragColor = linearToOutputTexel(vec4(col, 1.0));
      }`,
  });
}

/** Stale (silent too long): the state colour washed towards grey, so it reads as "last known". */
export const STALE_MIX = 0.65;
export const STALE_GREY = 0.3;

/**
 * The far level of detail: every component is also one point (a single non-instanced draw for
 * all of them: SwiftShader pays per instance, not per vertex), drawn as a state-coloured disc
 * while the component is too far to show its shape (aNear = 0); its size follows the object's
 * size on screen, never under uMinPx. Depth-tested like the rest: buildings hide it. The colour
 * comes from one byte per component (aState: state code, bit 7 = stale) through a palette, so
 * a live update writes one byte, never three floats. Beyond uFarMPerPx metres per pixel it is
 * not drawn: the terrain's state map shows it there.
 */
export function createPointsMaterial(palette: THREE.Vector3[], flood: FloodUniforms) {
  return new THREE.ShaderMaterial({
    uniforms: { ...flood, uPxPerM: { value: 500 }, uMinPx: { value: 3.5 }, uMaxPx: { value: 16 }, uPalette: { value: palette }, uFarMPerPx: { value: Infinity } },
    defines: { PALETTE_SIZE: palette.length, STALE_MIX: STALE_MIX.toFixed(3), STALE_GREY: STALE_GREY.toFixed(3) },
    vertexShader: /* glsl */ `
      attribute float aState;
      attribute float aSize;
      attribute float aNear;
      uniform float uPxPerM;
      uniform float uMinPx;
      uniform float uMaxPx;
      uniform float uFarMPerPx;
      uniform vec3 uPalette[PALETTE_SIZE];
      varying vec3 vC;
      varying float vStale;
      ${FLOOD_GLSL}
      ${WET_GLSL}
      void main() {
        if (aNear > 0.5) { gl_Position = vec4(0.0, 0.0, 2.0, 1.0); gl_PointSize = 0.0; vC = vec3(0.0); vStale = 0.0; return; }
        vStale = aState >= 128.0 ? 1.0 : 0.0;
        int s = int(min(aState - 128.0 * vStale, float(PALETTE_SIZE - 1)));
        vC = wetTint(mix(uPalette[s], vec3(STALE_GREY), STALE_MIX * vStale), position.xy);
        vec4 mv = modelViewMatrix * vec4(position, 1.0);
        // farther, the state map on the ground draws it (stateTexture.ts)
        if (length(mv.xyz) / uPxPerM > uFarMPerPx) { gl_Position = vec4(0.0, 0.0, 2.0, 1.0); gl_PointSize = 0.0; return; }
        // far away (a whole-city view) the floor drops to 2 px: ~460k discs of 3.5 px overlap
        // several times over and filling them was most of a SwiftShader frame; 2 px still shows each
        float minPx = mix(uMinPx, min(uMinPx, 2.0), smoothstep(2000.0, 4000.0, -mv.z));
        gl_PointSize = clamp(aSize * uPxPerM / max(-mv.z, 0.1), minPx, uMaxPx);
        gl_Position = projectionMatrix * mv;
      }`,
    fragmentShader: /* glsl */ `
      varying vec3 vC;
      varying float vStale;
      void main() {
        vec2 q = gl_PointCoord * 2.0 - 1.0;
        float r2 = dot(q, q);
        if (r2 > 1.0) discard;
        // a stale one is a ring: hollow, like a light that is out
        if (vStale > 0.5 && r2 < 0.25) discard;
        vec3 col = r2 > 0.6 ? vC * 0.45 : vC;
        gl_FragColor = linearToOutputTexel(vec4(col, 1.0));
      }`,
  });
}
