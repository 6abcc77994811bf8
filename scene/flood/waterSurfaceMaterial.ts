import * as THREE from 'three';
import { FLOOD_GLSL, type FloodUniforms } from './floodUniforms';
import { waterColourTable } from './waterColours';

/**
 * The flood water surface, drawn on the terrain's own mesh: each vertex is lifted to ground +
 * depth (sampled from the depth texture, so a new frame is a texture upload, never new
 * geometry). Per pixel: dry (under FLOOD_DRAW_MIN_M) is discarded; the colour is the depth's
 * class; the normal is the water surface's gradient (terrain slope + depth gradient, so still
 * water is flat and lit like a pool), with a sun and a little specular. Translucent, depth-tested
 * against the opaque layers (buildings hide it) without writing depth.
 *
 * No z-fighting with the terrain: the surface is never below the terrain (same triangles, plus
 * depth), it is lifted by a small height that grows with the view distance (uLift: metres per
 * metre), and polygon offset pulls it towards the camera.
 */
export function createWaterSurfaceMaterial(flood: FloodUniforms) {
  const table = waterColourTable();
  const n = table.fromM.length;
  return new THREE.ShaderMaterial({
    transparent: true,
    depthWrite: false,
    polygonOffset: true,
    polygonOffsetFactor: -2,
    polygonOffsetUnits: -4,
    defines: { CLASSES: n },
    uniforms: {
      ...flood,
      uFrom: { value: table.fromM },
      uRgb: { value: table.rgb },
      uMinM: { value: table.minM },
      uLift: { value: 0.0006 },
      uLight: { value: new THREE.Vector3(0.45, -0.55, 0.7).normalize() },
    },
    vertexShader: /* glsl */ `
      ${FLOOD_GLSL}
      uniform float uLift;
      varying vec2 vXY;
      varying vec3 vN;
      varying vec3 vW;
      void main() {
        vec4 w = modelMatrix * vec4(position, 1.0);
        float d = floodDepthAt(w.xy);
        float dist = distance(w.xyz, cameraPosition);
        w.z += d + 0.02 + uLift * dist;
        vXY = w.xy;
        vW = w.xyz;
        vN = normal;
        gl_Position = projectionMatrix * viewMatrix * w;
      }`,
    fragmentShader: /* glsl */ `
      ${FLOOD_GLSL}
      uniform float uFrom[CLASSES];
      uniform vec3 uRgb[CLASSES];
      uniform float uMinM;
      uniform vec3 uLight;
      varying vec2 vXY;
      varying vec3 vN;
      varying vec3 vW;
      void main() {
        vec2 uv = floodUv(vXY);
        float d = textureLod(uFloodDepth, uv, 0.0).r;
        // the depth's gradient from screen-space derivatives (before any discard: derivatives
        // need the whole pixel quad), not four more texture reads, which SwiftShader pays for
        vec2 px = dFdx(vXY), py = dFdy(vXY);
        float ddx = dFdx(d), ddy = dFdy(d);
        float det = px.x * py.y - px.y * py.x;
        vec2 grad = abs(det) > 1e-9 ? vec2(py.y * ddx - px.y * ddy, px.x * ddy - py.x * ddx) / det : vec2(0.0);
        if (uFloodOn < 0.5 || uv.x < 0.0 || uv.y < 0.0 || uv.x > 1.0 || uv.y > 1.0 || d < uMinM) discard;
        vec3 col = uRgb[0];
        for (int k = 1; k < CLASSES; k++) if (d >= uFrom[k]) col = uRgb[k];
        // the water surface's slope: the terrain's (from its normal) plus the depth's
        vec3 tn = normalize(vN);
        vec2 slope = -tn.xy / max(tn.z, 0.2) + grad;
        // shores are steep in the depth field; keep their light plausible
        slope = clamp(slope, -1.0, 1.0);
        vec3 n = normalize(vec3(-slope, 1.0));
        vec3 v = normalize(cameraPosition - vW);
        vec3 h = normalize(uLight + v);
        float diff = 0.55 + 0.45 * max(dot(n, uLight), 0.0);
        float spec = pow(max(dot(n, h), 0.0), 80.0) * 0.6;
        float fres = pow(1.0 - max(v.z, 0.0), 3.0);
        col = col * diff + vec3(spec) + fres * 0.12;
        // deeper water is more opaque; a shallow film lets the street show through
        float a = clamp(0.38 + 0.45 * smoothstep(uMinM, 0.6, d) + 0.15 * fres, 0.0, 0.92);
        gl_FragColor = linearToOutputTexel(vec4(col, a));
      }`,
  });
}
