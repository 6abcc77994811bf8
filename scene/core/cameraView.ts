import { Cartesian3, Math as CMath, type Scene } from 'cesium';
import type { CameraView } from '../../models/viewState';

/** The camera as a share link holds it (models/viewState.ts): position in degrees/metres, angles in degrees. */
export function readCameraView(scene: Scene): CameraView {
  const c = scene.camera;
  const p = c.positionCartographic;
  return {
    lonDeg: CMath.toDegrees(p.longitude), latDeg: CMath.toDegrees(p.latitude), heightM: p.height,
    headingDeg: CMath.toDegrees(c.heading), pitchDeg: CMath.toDegrees(c.pitch), rollDeg: CMath.toDegrees(c.roll),
  };
}

const poseOf = (v: CameraView) => ({
  destination: Cartesian3.fromDegrees(v.lonDeg, v.latDeg, v.heightM),
  orientation: { heading: CMath.toRadians(v.headingDeg), pitch: CMath.toRadians(v.pitchDeg), roll: CMath.toRadians(v.rollDeg) },
});

/** Puts the camera where a share link says (instant; a flight under way is cancelled). */
export function applyCameraView(scene: Scene, v: CameraView) {
  scene.camera.cancelFlight();
  scene.camera.setView(poseOf(v));
  scene.requestRender();
}

/** Flies the camera to a view over durationS (a story's scene); the caller keeps the render loop going. */
export function flyToCameraView(scene: Scene, v: CameraView, durationS: number) {
  scene.camera.cancelFlight();
  scene.camera.flyTo({ ...poseOf(v), duration: durationS });
  scene.requestRender();
}

const EPS = 1e-9;

/**
 * Locks two globes' cameras together (the compare split and swipe views): whichever one moved
 * last is copied to the other after its frame, and the other is asked for a frame. The copy is
 * exact, so the second frame finds nothing to copy back: no ping-pong. Returns the unlink.
 */
export function linkCameras(a: Scene, b: Scene, onCopy?: () => void): () => void {
  const copy = (from: Scene, to: Scene) => () => {
    const s = from.camera, d = to.camera;
    if (Cartesian3.equalsEpsilon(s.positionWC, d.positionWC, 0, 1e-3) && Cartesian3.equalsEpsilon(s.directionWC, d.directionWC, EPS)
      && Cartesian3.equalsEpsilon(s.upWC, d.upWC, EPS)) return;
    d.setView({ destination: Cartesian3.clone(s.positionWC), orientation: { direction: Cartesian3.clone(s.directionWC), up: Cartesian3.clone(s.upWC) } });
    to.requestRender();
    onCopy?.();
  };
  const ab = copy(a, b), ba = copy(b, a);
  // the moved camera's scene renders first; its postRender hands the pose over
  const offA = a.postRender.addEventListener(ab);
  const offB = b.postRender.addEventListener(ba);
  ab();
  return () => { offA(); offB(); };
}
