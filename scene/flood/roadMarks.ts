import * as THREE from 'three';

/** Ribbon vertices per metre of road: a mark follows the ground every STEP_M. */
const STEP_M = 15;

/**
 * Road pieces as ribbons lying on the ground (one merged mesh, one draw): per vertex the piece
 * centre line point, the side (±1) and the across direction, so the shader can keep a ribbon at
 * least a few pixels wide from afar. `aOn` (one byte per vertex) shows or hides a piece: a new
 * flood frame writes bytes, never geometry.
 */
export function buildRibbons(ends: Float32Array, width: Float32Array, count: number, groundZ: (x: number, y: number) => number) {
  const pos: number[] = [], across: number[] = [], piece: number[] = [], idx: number[] = [];
  for (let k = 0; k < count; k++) {
    const ax = ends[4 * k]!, ay = ends[4 * k + 1]!, bx = ends[4 * k + 2]!, by = ends[4 * k + 3]!;
    const len = Math.hypot(bx - ax, by - ay);
    if (len === 0) continue;
    const nx = -(by - ay) / len, ny = (bx - ax) / len;
    const steps = Math.max(1, Math.ceil(len / STEP_M));
    const hw = Math.max(1.5, 0.3 * width[k]!);
    const base = pos.length / 3;
    for (let j = 0; j <= steps; j++) {
      const x = ax + ((bx - ax) * j) / steps, y = ay + ((by - ay) * j) / steps, z = groundZ(x, y);
      for (const side of [-1, 1]) {
        pos.push(x, y, z);
        across.push(nx * side * hw, ny * side * hw, side);
        piece.push(k);
      }
    }
    for (let j = 0; j < steps; j++) {
      const a = base + 2 * j;
      // counter-clockwise seen from above (vertex 2j is on the right of the direction of travel)
      idx.push(a, a + 3, a + 1, a, a + 2, a + 3);
    }
  }
  const g = new THREE.BufferGeometry();
  g.setAttribute('position', new THREE.BufferAttribute(new Float32Array(pos), 3));
  g.setAttribute('aAcross', new THREE.BufferAttribute(new Float32Array(across), 3));
  const on = new THREE.BufferAttribute(new Uint8Array(Math.max(1, piece.length)), 1);
  on.setUsage(THREE.DynamicDrawUsage);
  g.setAttribute('aOn', on);
  g.setIndex(piece.length > 65535 ? new THREE.BufferAttribute(new Uint32Array(idx), 1) : new THREE.BufferAttribute(new Uint16Array(idx), 1));
  return { geometry: g, pieceOfVertex: Uint32Array.from(piece), on };
}

/**
 * A ribbon material: lifted above the ground (and the water surface) by a height that grows
 * with distance, at least `minPx` pixels wide.
 */
export function createRibbonMaterial(color: string, opts: { minPx: number; lift: number; depthTest: boolean; opacity: number }) {
  return new THREE.ShaderMaterial({
    transparent: true,
    depthWrite: false,
    depthTest: opts.depthTest,
    polygonOffset: true,
    polygonOffsetFactor: -4,
    polygonOffsetUnits: -8,
    uniforms: {
      uColor: { value: new THREE.Color(color) },
      uMPerPx1: { value: 0.001 },
      uMinPx: { value: opts.minPx },
      uLift: { value: opts.lift },
      uOpacity: { value: opts.opacity },
    },
    vertexShader: /* glsl */ `
      attribute vec3 aAcross;
      attribute float aOn;
      uniform float uMPerPx1, uMinPx, uLift;
      varying float vSide;
      void main() {
        if (aOn < 0.5) { gl_Position = vec4(0.0, 0.0, 2.0, 1.0); vSide = 0.0; return; }
        vec4 c = modelMatrix * vec4(position, 1.0);
        float dist = distance(c.xyz, cameraPosition);
        float hw = length(aAcross.xy);
        float k = max(1.0, 0.5 * uMinPx * uMPerPx1 * dist / max(hw, 0.01));
        c.xy += aAcross.xy * k;
        c.z += uLift + 0.0015 * dist;
        vSide = aAcross.z;
        gl_Position = projectionMatrix * viewMatrix * c;
      }`,
    fragmentShader: /* glsl */ `
      uniform vec3 uColor;
      uniform float uOpacity;
      varying float vSide;
      void main() {
        // darker edges read as a mark, not as paint
        float e = smoothstep(0.55, 0.95, abs(vSide));
        gl_FragColor = linearToOutputTexel(vec4(mix(uColor, uColor * 0.35, e), uOpacity));
      }`,
  });
}
