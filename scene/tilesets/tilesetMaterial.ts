import * as THREE from 'three';

/**
 * A 3D Tiles model without textures, lit like the twin's own buildings (one key light + sky fill in
 * the city's ENU frame; normals brought there by the model matrix). Opaque and depth-writing, so it
 * hides what is behind it and is hidden by what is in front, in the same Three scene.
 */
export function createTilesetMaterial(colour: THREE.Color) {
  return new THREE.ShaderMaterial({
    uniforms: { uLight: { value: new THREE.Vector3(0.45, -0.55, 0.7).normalize() }, uColour: { value: colour.clone().convertSRGBToLinear() } },
    side: THREE.DoubleSide,
    vertexShader: /* glsl */ `
      varying vec3 vN;
      void main() {
        vN = mat3(modelMatrix) * normal;
        gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0);
      }`,
    fragmentShader: /* glsl */ `
      uniform vec3 uLight;
      uniform vec3 uColour;
      varying vec3 vN;
      void main() {
        vec3 n = normalize(vN);
        if (!gl_FrontFacing) n = -n;
        float diff = max(dot(n, uLight), 0.0);
        float sky = 0.5 + 0.5 * n.z;
        gl_FragColor = linearToOutputTexel(vec4(uColour * (0.16 + 0.20 * sky + 0.55 * diff), 1.0));
      }`,
  });
}
