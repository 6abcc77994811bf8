import * as THREE from 'three';

/**
 * The ground: terrain shading + the street network and water bed (mask raster painted by
 * scene/roads) + the unit-grid fills and outlines and the responsibility-grid outlines (id raster
 * by scene/grids, per-grid colours in a small texture rewritten by live updates). Everything
 * draped on the terrain in one draw call; layer switches are uniforms.
 */
export function createTerrainMaterial(opts: {
  mask: THREE.DataTexture; gridId: THREE.DataTexture; gridColors: THREE.DataTexture; gridColorsWidth: number;
}) {
  return new THREE.ShaderMaterial({
    uniforms: {
      uMask: { value: opts.mask },
      uGridId: { value: opts.gridId },
      uGridIdSize: { value: new THREE.Vector2(opts.gridId.image.width, opts.gridId.image.height) },
      uGridColors: { value: opts.gridColors },
      uGridColorsW: { value: opts.gridColorsWidth },
      uShowRoads: { value: 1 },
      uShowWater: { value: 1 },
      uShowGrids: { value: 1 },
      uShowResp: { value: 1 },
      uSelGrid: { value: -1 },
      uLight: { value: new THREE.Vector3(0.45, -0.55, 0.7).normalize() },
    },
    vertexShader: /* glsl */ `
      varying vec2 vUv;
      varying vec3 vN;
      varying float vZ;
      void main() {
        vUv = uv;
        vN = normal;
        vZ = position.z;
        gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0);
      }`,
    fragmentShader: /* glsl */ `
      uniform sampler2D uMask;
      uniform highp sampler2D uGridId;
      uniform vec2 uGridIdSize;
      uniform sampler2D uGridColors;
      uniform float uGridColorsW;
      uniform float uShowRoads, uShowWater, uShowGrids, uShowResp, uSelGrid;
      uniform vec3 uLight;
      varying vec2 vUv;
      varying vec3 vN;
      varying float vZ;

      vec4 idAt(vec2 p) {
        ivec2 c = clamp(ivec2(p), ivec2(0), ivec2(uGridIdSize) - 1);
        return texelFetch(uGridId, c, 0);
      }
      float gid(vec4 t) { return floor(t.r * 255.0 + 0.5) + 256.0 * floor(t.g * 255.0 + 0.5) - 1.0; }
      float rid(vec4 t) { return floor(t.b * 255.0 + 0.5) - 1.0; }

      void main() {
        vec3 ground = vec3(0.030, 0.040, 0.046);
        vec4 m = texture2D(uMask, vUv);
        float road = m.r * uShowRoads;
        vec3 col = ground;
        col = mix(col, vec3(0.075, 0.080, 0.088), m.a * uShowRoads * 0.9);
        col = mix(col, vec3(0.150, 0.155, 0.165), road);
        col = mix(col, vec3(0.42, 0.40, 0.32), m.g * uShowRoads * 0.35);
        col = mix(col, vec3(0.010, 0.030, 0.060), m.b * uShowWater);
        float diff = max(dot(normalize(vN), uLight), 0.0);
        col *= 0.62 + 0.55 * diff;

        vec2 p = vUv * uGridIdSize;
        vec4 t = idAt(p);
        float id = gid(t);
        vec2 fw = fwidth(p);
        float texPerPx = max(fw.x, fw.y);
        float d = max(1.0, texPerPx);
        // zoomed in (a texel covers several pixels): outlines thin out so the streets read first
        float close = clamp(texPerPx * 1.5, 0.12, 1.0);
        if (uShowGrids > 0.5 && id >= 0.0) {
          vec2 cc = vec2(mod(id, uGridColorsW) + 0.5, floor(id / uGridColorsW) + 0.5) / vec2(uGridColorsW, textureSize(uGridColors, 0).y);
          vec3 fill = texture2D(uGridColors, cc).rgb;
          bool sel = id == uSelGrid;
          float a = (sel ? 0.5 : 0.16) * (1.0 - 0.85 * road);
          col = mix(col, sel ? mix(fill, vec3(0.3, 0.85, 1.0), 0.35) : fill * 0.8, a);
          float dd = sel ? 2.5 * d : d;
          float e = 0.0;
          // two neighbours (right, up) are enough for a line of the same width; half the fetches
          e += float(gid(idAt(p + vec2(dd, 0.0))) != id);
          e += float(gid(idAt(p + vec2(0.0, dd))) != id);
          if (e > 0.0) col = mix(col, sel ? vec3(0.35, 0.9, 1.0) : vec3(0.55, 0.62, 0.70), sel ? 1.0 : 0.30 * close);
        }
        if (uShowResp > 0.5 && t.b > 0.0) {
          float r = rid(t);
          float D = max(1.0, 2.2 * texPerPx);
          float e = 0.0;
          e += float(rid(idAt(p + vec2(D, 0.0))) != r);
          e += float(rid(idAt(p - vec2(0.0, D))) != r);
          if (e > 0.0) col = mix(col, vec3(0.95, 0.72, 0.22), 0.75 * close);
        }
        gl_FragColor = linearToOutputTexel(vec4(col, 1.0));
      }`,
  });
}
