import * as THREE from 'three';
import { enuToGeodetic } from '../../models/geo';
import type { ComponentLayer } from '../components/componentLayer';
import type { Globe } from '../globe/createGlobe';
import type { CameraView } from '../../models/viewState';
import { flyToCameraView } from './cameraView';
import type { TwinCityInfo } from './types';

const tmpV = new THREE.Vector3();

/** What the camera moves need from the engine. */
export interface CameraHost {
  globe: Globe;
  info: TwinCityInfo;
  /** syncs the Three camera from Cesium's and returns it (null before the canvas exists) */
  syncedCamera(): THREE.PerspectiveCamera | null;
  groundZ(x: number, y: number): number | null;
  insideBuilding(x: number, y: number, z: number): boolean;
  occluded(p: THREE.Vector3): boolean;
  /** something opaque between two points */
  lineBlocked(a: THREE.Vector3, b: THREE.Vector3): boolean;
}

function geo(info: TwinCityInfo, x: number, y: number, z: number) {
  return enuToGeodetic([x, y, z], { lonDeg: info.originLonDeg, latDeg: info.originLatDeg, heightM: info.originHeightM });
}

/** The whole city, tilted, aimed a little south of the centre so that all of it fits the screen (seen from the south; headingRad turns it: the kiosk's orbit). */
export function home(h: CameraHost, durationS = 1.2, headingRad = 0) {
  const [x0, y0, x1, y1] = h.info.extent;
  const cx = 0.5 * (x0 + x1), cy = 0.5 * (y0 + y1) - 0.06 * (y1 - y0);
  const g = geo(h.info, cx, cy, h.groundZ(cx, cy) ?? 0);
  const range = Math.hypot(x1 - x0, y1 - y0) * 1.02;
  h.globe.lookAt(g.lonDeg, g.latDeg, g.heightM, headingRad, -0.85, range, durationS);
}

/**
 * Instant camera move looking at component i from its road side at `distanceM`; steeper views
 * are tried when the first would sit inside a building or see the component hidden.
 */
export function flyToComponent(h: CameraHost, c: ComponentLayer, i: number, distanceM: number) {
  const hd = c.c.heading[i]!;
  // view from the road side (the component faces the road), looking back at it
  const heading = Math.atan2(-Math.cos(hd), -Math.sin(hd));
  const sm = c.meshes[c.meshOf[i]!]!;
  const tz = c.z[i]! + sm.centreZ;
  const g = geo(h.info, c.c.x[i]!, c.c.y[i]!, tz);
  for (const pitch of [-0.6, -0.85, -1.1, -1.35, -1.5]) {
    h.globe.lookAt(g.lonDeg, g.latDeg, g.heightM, heading, pitch, distanceM, 0);
    const cam = h.syncedCamera();
    if (!cam) return;
    if (h.insideBuilding(cam.position.x, cam.position.y, cam.position.z)) continue;
    if (!h.occluded(tmpV.set(c.c.x[i]!, c.c.y[i]!, tz))) return;
  }
}

/** Camera at local (x, y, z) looking at local (tx, ty, tz). */
export function lookFromTo(h: CameraHost, x: number, y: number, z: number, tx: number, ty: number, tz: number) {
  const dx = tx - x, dy = ty - y, dz = tz - z;
  const g = geo(h.info, tx, ty, tz);
  h.globe.lookAt(g.lonDeg, g.latDeg, g.heightM, Math.atan2(dx, dy), Math.atan2(dz, Math.hypot(dx, dy)), Math.hypot(dx, dy, dz), 0);
  h.syncedCamera();
}

/**
 * Looks at a ground point from `distanceM`, from the south, tilted; steeper when the point would
 * be hidden behind a building from there (the camera position is computed, not tried).
 */
export function flyToPoint(h: CameraHost, x: number, y: number, distanceM: number, durationS = 0.8) {
  const z = h.groundZ(x, y) ?? 0;
  const g = geo(h.info, x, y, z);
  const target = new THREE.Vector3(x, y, z + 0.5), eye = new THREE.Vector3();
  let pitch = -0.75;
  for (const p of [-0.75, -1.0, -1.25, -1.5]) {
    pitch = p;
    // heading 0: the camera south of the target, above it (Cesium's HeadingPitchRange)
    eye.set(x, y - distanceM * Math.cos(p), z - distanceM * Math.sin(p));
    if (!h.insideBuilding(eye.x, eye.y, eye.z) && !h.lineBlocked(eye, target)) break;
  }
  h.globe.lookAt(g.lonDeg, g.latDeg, g.heightM, 0, pitch, distanceM, durationS);
}

/**
 * Brings the camera down to a standing person's eye level (1.6 m) `distanceM` from a ground
 * point, looking at it (the kiosk's "flood my street"). Of eight directions, the first whose
 * eye is in the open and sees the point is taken; from the south when none does.
 */
export function eyeLevelAt(h: CameraHost, x: number, y: number, distanceM = 8, durationS = 2) {
  const z = h.groundZ(x, y) ?? 0;
  const target = new THREE.Vector3(x, y, z + 1), eye = new THREE.Vector3();
  let heading = 0, pitch = 0, range = distanceM;
  for (let k = 0; k < 8; k++) {
    const hd = (k * Math.PI) / 4;
    // heading hd: the camera on the far side of hd from the target (Cesium's HeadingPitchRange)
    const ex = x - distanceM * Math.sin(hd), ey = y - distanceM * Math.cos(hd);
    const ez = Math.max(h.groundZ(ex, ey) ?? z, z) + 1.6;
    eye.set(ex, ey, ez);
    const p = Math.atan2(target.z - ez, distanceM), r = eye.distanceTo(target);
    if (k === 0) { heading = hd; pitch = p; range = r; }
    if (!h.insideBuilding(ex, ey, ez) && !h.lineBlocked(eye, target)) { heading = hd; pitch = p; range = r; break; }
  }
  const g = geo(h.info, x, y, target.z);
  h.globe.lookAt(g.lonDeg, g.latDeg, g.heightM, heading, pitch, range, durationS);
}

/** Camera at local (x, y, z) looking at component i's centre (tests: occlusion set-ups). */
export function lookFromAt(h: CameraHost, x: number, y: number, z: number, c: ComponentLayer, i: number) {
  const sm = c.meshes[c.meshOf[i]!]!;
  lookFromTo(h, x, y, z, c.c.x[i]!, c.c.y[i]!, c.z[i]! + sm.centreZ);
}

/** Flies to a view over durationS s, holding the globe's frames until the flight is over. */
export function flyToViewHeld(h: CameraHost, v: CameraView, durationS: number) {
  // (and at most a while longer than planned: a lost callback)
  const release = h.globe.hold();
  const timer = setTimeout(release, durationS * 1000 + 15_000);
  flyToCameraView(h.globe.scene, v, durationS, () => { clearTimeout(timer); release(); });
}
