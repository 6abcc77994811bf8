import * as THREE from 'three';

/** Flat-shaded buildings: vertex colours (sRGB in the buffer), one key light + sky fill. Opaque, depth-writing: it occludes. */
export function createBuildingMaterial() {
  return new THREE.ShaderMaterial({
    uniforms: { uLight: { value: new THREE.Vector3(0.45, -0.55, 0.7).normalize() }, uOpacity: { value: 1 } },
    vertexShader: /* glsl */ `
      attribute vec3 color;
      uniform vec3 uLight;
      varying vec3 vCol;
      void main() {
        // lit per vertex: the faces are flat (one normal per face), so this is exact, and the
        // fragment shader is a copy: buildings cover much of a city view
        vec3 n = normalize(normal);
        float diff = max(dot(n, uLight), 0.0);
        float sky = 0.5 + 0.5 * n.z;
        vCol = pow(color, vec3(2.2)) * (0.16 + 0.20 * sky + 0.55 * diff);
        gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0);
      }`,
    fragmentShader: /* glsl */ `
      varying vec3 vCol;
      void main() {
        gl_FragColor = linearToOutputTexel(vec4(vCol, 1.0));
      }`,
  });
}
