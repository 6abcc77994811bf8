import * as THREE from 'three';

/** Flat-shaded buildings: vertex colours (sRGB in the buffer), one key light + sky fill. Opaque, depth-writing: it occludes. */
export function createBuildingMaterial() {
  return new THREE.ShaderMaterial({
    uniforms: { uLight: { value: new THREE.Vector3(0.45, -0.55, 0.7).normalize() }, uOpacity: { value: 1 } },
    vertexShader: /* glsl */ `
      attribute vec3 color;
      varying vec3 vC;
      varying vec3 vN;
      void main() {
        vC = pow(color, vec3(2.2));
        vN = normal;
        gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0);
      }`,
    fragmentShader: /* glsl */ `
      uniform vec3 uLight;
      varying vec3 vC;
      varying vec3 vN;
      void main() {
        vec3 n = normalize(vN);
        float diff = max(dot(n, uLight), 0.0);
        float sky = 0.5 + 0.5 * n.z;
        vec3 col = vC * (0.16 + 0.20 * sky + 0.55 * diff);
        gl_FragColor = linearToOutputTexel(vec4(col, 1.0));
      }`,
  });
}
