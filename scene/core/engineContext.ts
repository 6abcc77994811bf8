// What the engine hands its parts: the LayerContext every layer is attached with and the
// CameraHost the camera moves use, both reading the engine lazily (the city, the Three canvas
// and the picking come later than the engine).
import type * as THREE from 'three';
import type { TwinEngine } from '../TwinEngine';
import type { PreparedCity } from '../data/prepare';
import type { BuildingsLayer } from '../buildings/buildingsLayer';
import { heightAt } from '../terrain/heightField';
import type { CameraHost } from './cameraMoves';
import type { LayerContext } from './types';

/** `shared`: the engine's objects layers share by key */
export function layerContextFor(engine: TwinEngine, city: PreparedCity, shared: Map<string, unknown>): LayerContext {
  return {
    info: engine.info, root: engine.root, city, shared,
    requestRender: () => engine.requestRender(),
    requestThree: () => engine.requestThree(),
    emit: () => engine.emit(),
    selectionLive: () => { engine.selectionLiveVersion++; },
    camera: () => (engine.three?.camera as THREE.PerspectiveCamera | undefined) ?? null,
    groundZ: (x, y) => heightAt(city.height, x, y),
    get inputs() { return engine.inputs; },
    setInputs: (changed) => engine.setInputs(changed),
    layer: (id) => engine.layer(id),
    pointerTarget: () => engine.globe.widget.container as HTMLElement,
    hitAt: (px, py) => engine.hitAt(px, py),
    cameraInputs: (on) => { engine.globe.scene.screenSpaceCameraController.enableInputs = on; },
  };
}

export function cameraHostFor(engine: TwinEngine): CameraHost {
  return {
    globe: engine.globe,
    info: engine.info,
    syncedCamera: () => { engine.syncCamera(); return (engine.three?.camera as THREE.PerspectiveCamera | undefined) ?? null; },
    groundZ: (x, y) => (engine.city ? heightAt(engine.city.height, x, y) : null),
    insideBuilding: (x, y, z) => engine.layer<BuildingsLayer>('buildings')?.picker.contains(x, y, z) ?? false,
    occluded: (p) => engine.picking?.occluded(p) ?? false,
    lineBlocked: (a, b) => engine.picking?.lineBlocked(a, b) ?? false,
  };
}

/** Frees the GPU side of everything under `root` (geometries, materials). */
export function disposeTree(root: THREE.Object3D) {
  root.traverse((o) => {
    const m = o as THREE.Mesh;
    if (m.geometry) m.geometry.dispose();
    const mat = m.material as THREE.Material | undefined;
    if (mat) mat.dispose();
  });
}
