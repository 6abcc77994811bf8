import * as THREE from 'three';
import type { ComponentLayer } from '../components/componentLayer';

const frustum = new THREE.Frustum();
const m = new THREE.Matrix4();
const sphere = new THREE.Sphere();

/**
 * The unit grids in view (their components' bounding spheres against the camera frustum): the
 * server sends detail for these only. At a city view that is all of them. Twice a second.
 */
export function viewGrids(c: ComponentLayer, cam: THREE.PerspectiveCamera, gridCount: number): 'all' | number[] {
  cam.updateMatrixWorld();
  frustum.setFromProjectionMatrix(m.multiplyMatrices(cam.projectionMatrix, cam.matrixWorldInverse));
  const inView: number[] = [];
  for (let g = 0; g < gridCount; g++) {
    if (!c.gridSphere(g, sphere)) continue;
    if (frustum.intersectsSphere(sphere)) inView.push(g);
  }
  return inView.length >= c.gridsWithComponents ? 'all' : inView;
}
