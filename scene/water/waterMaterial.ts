import * as THREE from 'three';

/** Translucent water: drawn after the opaque layers, it tints whatever is under the surface. */
export function createWaterMaterial() {
  return new THREE.ShaderMaterial({
    transparent: true,
    depthWrite: false,
    uniforms: {},
    vertexShader: /* glsl */ `
      varying vec3 vW;
      void main() {
        vW = position;
        gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0);
      }`,
    fragmentShader: /* glsl */ `
      varying vec3 vW;
      void main() {
        vec3 v = normalize(cameraPosition - vW);
        float f = pow(1.0 - abs(v.z), 3.0);
        vec3 col = mix(vec3(0.02, 0.16, 0.34), vec3(0.20, 0.42, 0.62), f);
        gl_FragColor = linearToOutputTexel(vec4(col, 0.72 + 0.2 * f));
      }`,
  });
}
