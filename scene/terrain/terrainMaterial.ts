import * as THREE from 'three';
import { MAP_LOD_BIAS } from '../components/stateMap';

/**
 * The ground: terrain shading + the street network and water bed (mask raster painted by
 * scene/roads) + the unit-grid fills and outlines and the responsibility-grid outlines (id raster
 * by scene/grids, per-grid colours in a small texture rewritten by live updates). Everything
 * draped on the terrain in one draw call; layer switches are uniforms.
 */
export interface ComponentMapUniforms {
  /** per texel the rank of the most pressing state among its components (scene/components/stateTexture.ts) */
  texture: THREE.Texture;
  /** world x, y of uv (0, 0), and uv per metre */
  corner: THREE.Vector2;
  uvPerM: number;
  /** linear RGB per rank */
  palette: THREE.Vector3[];
}

/**
 * ...and, where a ground pixel covers more than uCompFar metres, the components themselves as a
 * map (their far level of detail): each cell of the map in the colour of its most pressing state.
 */
export function createTerrainMaterial(opts: {
  mask: THREE.DataTexture; gridId: THREE.DataTexture; gridColors: THREE.DataTexture; gridColorsWidth: number;
  components: ComponentMapUniforms;
}) {
  return new THREE.ShaderMaterial({
    defines: { RANKS: opts.components.palette.length },
    uniforms: {
      uComp: { value: opts.components.texture },
      uCompCorner: { value: opts.components.corner },
      uCompUvPerM: { value: opts.components.uvPerM },
      uCompPalette: { value: opts.components.palette },
      /** metres per pixel beyond which the map draws the components (Infinity: never) */
      uCompFar: { value: Infinity },
      /** metres per pixel at 1 m from the camera */
      uMPerPx1: { value: 0.001 },
      /** mip bias: +1 draws a cell over about two pixels, so a lone component stays visible */
      uCompBias: { value: MAP_LOD_BIAS },
      uShowComp: { value: 1 },
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
      /** opacity of a grid's fill (its colour's alpha scales it: 0 leaves a dry grid unfilled) */
      uGridFill: { value: 0.16 },
      uLight: { value: new THREE.Vector3(0.45, -0.55, 0.7).normalize() },
    },
    vertexShader: /* glsl */ `
      varying vec2 vUv;
      uniform vec3 uLight;
      varying float vShade;
      varying float vZ;
      varying vec2 vXY;
      varying float vDist;
      void main() {
        vUv = uv;
        // lit per vertex: the terrain is smooth at its 5 m cells, and a per-pixel normalize and
        // dot were a visible share of a SwiftShader frame
        vShade = 0.62 + 0.55 * max(dot(normalize(normal), uLight), 0.0);
        vZ = position.z;
        vec4 w = modelMatrix * vec4(position, 1.0);
        vXY = w.xy;
        vDist = distance(w.xyz, cameraPosition);
        gl_Position = projectionMatrix * viewMatrix * w;
      }`,
    fragmentShader: /* glsl */ `
      uniform sampler2D uMask;
      uniform highp sampler2D uGridId;
      uniform vec2 uGridIdSize;
      uniform sampler2D uGridColors;
      uniform float uGridColorsW;
      uniform float uShowRoads, uShowWater, uShowGrids, uShowResp, uSelGrid, uGridFill;
      uniform sampler2D uComp;
      uniform vec2 uCompCorner;
      uniform float uCompUvPerM, uCompFar, uMPerPx1, uCompBias, uShowComp;
      uniform vec3 uCompPalette[RANKS];
      varying vec2 vUv;
      varying float vShade;
      varying float vZ;
      varying vec2 vXY;
      varying float vDist;

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
        col *= vShade;

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
          vec4 fc = texture2D(uGridColors, cc);
          vec3 fill = fc.rgb;
          bool sel = id == uSelGrid;
          float a = (sel ? 0.5 : uGridFill * fc.a) * (1.0 - 0.85 * road);
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
        // sampled outside the branch: the mip level comes from derivatives, which need every pixel
        // mip level by the pixel's area in texels (not its longest side, which at a grazing view
        // would merge cells many pixels deep), so a cell stays about 2^uCompBias pixels across
        vec2 cuv = (vXY - uCompCorner) * uCompUvPerM;
        vec2 tc = cuv * float(textureSize(uComp, 0).x);
        float lod = max(0.0, 0.5 * log2(max(length(dFdx(tc)) * length(dFdy(tc)), 1e-8)) + uCompBias);
        float rank = floor(textureLod(uComp, cuv, lod).r * 255.0 + 0.5);
        if (uShowComp > 0.5 && rank > 0.5 && vDist * uMPerPx1 > uCompFar) col = uCompPalette[int(rank) - 1];
        gl_FragColor = linearToOutputTexel(vec4(col, 1.0));
      }`,
  });
}
