import { Cartesian3, Matrix4, Transforms, type PerspectiveFrustum, type Scene } from 'cesium';
import type * as THREE from 'three';

/**
 * Drives the Three camera from Cesium's: the Three scene lives in the East-North-Up frame at the
 * city origin, so its camera world matrix is inverse(viewMatrix x eastNorthUpToFixedFrame(origin))
 * and its vertical field of view is Cesium's frustum.fovy. Near/far are chosen for the city box
 * (Cesium's own multi-frustum does not apply to the overlay). No allocation per call.
 */
export function createCameraSync(scene: Scene, lonDeg: number, latDeg: number, heightM: number) {
  const enuToFixed = Transforms.eastNorthUpToFixedFrame(Cartesian3.fromDegrees(lonDeg, latDeg, heightM));
  const view = new Matrix4();
  const world = new Matrix4();
  const arr = new Array<number>(16);
  const nearFar: [number, number] = [1, 10000];
  /** `near` writes [near, far] for a camera at (x, y, z) into `out` (no tuple allocated per frame). */
  return function sync(cam: THREE.PerspectiveCamera, widthPx: number, heightPx: number,
    near: (x: number, y: number, z: number, out: [number, number]) => void) {
    const c = scene.camera;
    Matrix4.multiply(c.viewMatrix, enuToFixed, view);
    Matrix4.inverseTransformation(view, world);
    cam.matrixWorldInverse.fromArray(Matrix4.toArray(view, arr));
    cam.matrixWorld.fromArray(Matrix4.toArray(world, arr));
    cam.matrix.copy(cam.matrixWorld);
    cam.matrix.decompose(cam.position, cam.quaternion, cam.scale);
    const f = c.frustum as PerspectiveFrustum;
    cam.fov = ((f.fovy ?? Math.PI / 3) * 180) / Math.PI;
    cam.aspect = widthPx / Math.max(1, heightPx);
    near(cam.position.x, cam.position.y, cam.position.z, nearFar);
    cam.near = nearFar[0];
    cam.far = nearFar[1];
    cam.updateProjectionMatrix();
  };
}
