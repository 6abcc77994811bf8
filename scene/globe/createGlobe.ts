import './baseUrl';
import {
  BoundingSphere, buildModuleUrl, CameraEventType, Cartesian3, CesiumWidget, Color, HeadingPitchRange, Ion, Math as CMath, Matrix4,
  ScreenSpaceEventHandler, ScreenSpaceEventType, TileMapServiceImageryProvider, type Cartesian2, type PerspectiveFrustum, type Scene,
} from 'cesium';

export interface GlobeOptions {
  container: HTMLElement;
  onClick: (x: number, y: number) => void;
  /** the globe may need a frame (a render was requested, or input came): start the render loop */
  onWake: () => void;
}

/** After input, keep giving the camera controller frames this long (its inertia runs out in about a second). */
const INPUT_ACTIVE_MS = 2000;

/**
 * The Cesium base: the globe with offline NaturalEarthII imagery, no ion, no widgets, no
 * sky/atmosphere/fog/sun/FXAA/MSAA (SwiftShader-friendly), render on request only. It owns the
 * camera controller (mouse and touch orbit, pan, zoom).
 *
 * Cesium's own render loop is off: it asks for an animation frame forever, and each one costs
 * the page's main thread a resize check and a no-op Scene.render even when nothing moves (most
 * frames of a live twin change only the Three layer). The engine runs the loop instead and calls
 * `frame()` while `active()` says the globe may change: input within INPUT_ACTIVE_MS, a camera
 * flight, tiles loading, or a render requested (Cesium's own requests included).
 */
export function createGlobe({ container, onClick, onWake }: GlobeOptions) {
  Ion.defaultAccessToken = '';
  const credits = document.createElement('div');
  credits.style.display = 'none';
  const widget = new CesiumWidget(container, {
    baseLayer: false,
    skyBox: false,
    skyAtmosphere: false,
    scene3DOnly: true,
    requestRenderMode: true,
    useDefaultRenderLoop: false,
    maximumRenderTimeChange: Infinity,
    msaaSamples: 1,
    orderIndependentTranslucency: false,
    showRenderLoopErrors: false,
    creditContainer: credits,
    contextOptions: { webgl: { alpha: false, antialias: false, stencil: false, powerPreference: 'high-performance' } },
  });
  const scene = widget.scene;
  scene.fog.enabled = false;
  scene.globe.showGroundAtmosphere = false;
  scene.globe.enableLighting = false;
  scene.globe.baseColor = Color.fromCssColorString('#14202c');
  // The imagery is NaturalEarthII (a few levels deep) and the city draws its own terrain: finer
  // globe tiles add draws and, once tiles fall under about 4 km, a second (quantised) globe shader
  // that compiles mid-session for up to a second without a GPU. Coarse tiles keep one shader.
  scene.globe.maximumScreenSpaceError = 16;
  scene.globe.tileCacheSize = 60;
  scene.backgroundColor = Color.fromCssColorString('#070b12');
  if (scene.sun) scene.sun.show = false;
  if (scene.moon) scene.moon.show = false;
  scene.postProcessStages.fxaa.enabled = false;
  scene.highDynamicRange = false;
  const ctl = scene.screenSpaceCameraController;
  ctl.minimumZoomDistance = 15;
  ctl.maximumZoomDistance = 2.0e7;
  ctl.inertiaSpin = 0.6;
  ctl.inertiaTranslate = 0.6;
  ctl.inertiaZoom = 0.5;

  ignoreCameraJitter(scene);

  let requested = true;
  let activeUntil = 0;
  /** flights under way that need frames until they end (hold()) */
  let holds = 0;
  const request = scene.requestRender.bind(scene);
  scene.requestRender = () => {
    request();
    requested = true;
    onWake();
  };
  const onInput = (e: Event) => {
    if (e.type === 'pointermove' && (e as PointerEvent).buttons === 0) return; // hovering moves no camera
    activeUntil = performance.now() + INPUT_ACTIVE_MS;
    onWake();
  };
  const inputEvents = ['pointerdown', 'pointermove', 'pointerup', 'wheel', 'touchstart', 'touchmove', 'keydown'] as const;
  for (const t of inputEvents) container.addEventListener(t, onInput, { passive: true, capture: true });

  let destroyed = false;
  TileMapServiceImageryProvider.fromUrl(buildModuleUrl('Assets/Textures/NaturalEarthII'))
    .then((p) => {
      if (destroyed) return;
      const layer = scene.imageryLayers.addImageryProvider(p);
      layer.brightness = 0.55;
      layer.saturation = 0.6;
      scene.requestRender();
    })
    .catch(() => { /* the globe stays its base colour; the city does not depend on it */ });

  const handler = new ScreenSpaceEventHandler(scene.canvas);
  handler.setInputAction((e: { position: Cartesian2 }) => onClick(e.position.x, e.position.y), ScreenSpaceEventType.LEFT_CLICK);

  return {
    widget,
    scene,
    /** Looks at a geodetic point from heading/pitch (radians, compass heading) at a range (m); instant or flown. */
    lookAt(lonDeg: number, latDeg: number, heightM: number, headingRad: number, pitchRad: number, rangeM: number, durationS = 0) {
      const target = Cartesian3.fromDegrees(lonDeg, latDeg, heightM);
      const hpr = new HeadingPitchRange(headingRad, pitchRad, rangeM);
      if (durationS > 0) {
        scene.camera.flyToBoundingSphere(new BoundingSphere(target, 1), { offset: hpr, duration: durationS });
        // the flight moves the camera frame by frame: keep the loop running for it
        activeUntil = Math.max(activeUntil, performance.now() + durationS * 1000 + 500);
      } else {
        scene.camera.lookAt(target, hpr);
        scene.camera.lookAtTransform(Matrix4.IDENTITY);
      }
      scene.requestRender();
    },
    /**
     * Touch-kiosk gestures: one finger orbits (Cesium's tilt about the screen centre: across turns,
     * up and down tips), two fingers pinch to zoom (and twist); no panning the city out of sight,
     * and zoom kept between minRangeM and maxRangeM.
     */
    kioskGestures(minRangeM: number, maxRangeM: number) {
      ctl.rotateEventTypes = [];
      ctl.translateEventTypes = [];
      ctl.lookEventTypes = [];
      ctl.tiltEventTypes = [CameraEventType.LEFT_DRAG, CameraEventType.PINCH];
      ctl.zoomEventTypes = [CameraEventType.PINCH, CameraEventType.WHEEL];
      ctl.minimumZoomDistance = minRangeM;
      ctl.maximumZoomDistance = maxRangeM;
    },
    /**
     * Keeps the render loop running until the returned release is called (a flight started
     * elsewhere, camera.flyTo: it moves only while frames are drawn, so on a slow machine a fixed
     * window could end before it does and leave the camera half-way).
     */
    hold(): () => void {
      holds++;
      scene.requestRender();
      let held = true;
      return () => {
        if (!held) return;
        held = false;
        holds--;
        activeUntil = Math.max(activeUntil, performance.now() + 500);
      };
    },
    /** whether the globe may change this frame (see above) */
    active(): boolean {
      return requested || holds > 0 || performance.now() < activeUntil || !scene.globe.tilesLoaded;
    },
    /** one turn of Cesium's loop: resize, clock, and a render if Cesium decides one is due */
    frame() {
      requested = false;
      widget.resize();
      widget.render();
    },
    destroy() {
      destroyed = true;
      for (const t of inputEvents) container.removeEventListener(t, onInput, { capture: true });
      handler.destroy();
      widget.destroy();
    },
    toRadians: CMath.toRadians,
  };
}
export type Globe = ReturnType<typeof createGlobe>;

/** How far (relative) the camera must move before the globe redraws; 1e-12 of 10 km is 10 nm. */
const CAMERA_EPSILON = 1e-12;

/**
 * With requestRenderMode Cesium redraws whenever the camera differs from the last frame's at
 * EPSILON15. Its camera controller, idle, nudges direction and up by about 1e-15 every few
 * frames (rounding as it re-normalises them), so the globe redrew one to two times a second for
 * nothing, each a full SwiftShader frame taken from the Three layer's live frames. This keeps
 * Cesium's check and adds a coarser one against the camera of the last frame drawn. (scene.view
 * is documented read-only, not private; checkForCameraUpdates is Cesium-internal: if it is
 * missing, nothing is changed.)
 */
function ignoreCameraJitter(scene: Scene) {
  const view = (scene as unknown as { view?: { checkForCameraUpdates?: (s: Scene) => boolean } }).view;
  const check = view?.checkForCameraUpdates?.bind(view);
  if (!view || !check) return;
  const cam = scene.camera;
  const last = { p: cam.position.clone(), d: cam.direction.clone(), u: cam.up.clone(), fovy: NaN, aspect: NaN };
  const near = (a: Cartesian3, b: Cartesian3, e: number) => Math.abs(a.x - b.x) <= e && Math.abs(a.y - b.y) <= e && Math.abs(a.z - b.z) <= e;
  view.checkForCameraUpdates = (s: Scene) => {
    if (!check(s)) return false;
    const f = cam.frustum as PerspectiveFrustum;
    const scale = Math.max(1, Math.abs(cam.position.x), Math.abs(cam.position.y), Math.abs(cam.position.z));
    if (near(cam.position, last.p, CAMERA_EPSILON * scale) && near(cam.direction, last.d, CAMERA_EPSILON) && near(cam.up, last.u, CAMERA_EPSILON)
      && (f.fovy ?? 0) === last.fovy && (f.aspectRatio ?? 0) === last.aspect) return false;
    Cartesian3.clone(cam.position, last.p);
    Cartesian3.clone(cam.direction, last.d);
    Cartesian3.clone(cam.up, last.u);
    last.fovy = f.fovy ?? 0;
    last.aspect = f.aspectRatio ?? 0;
    return true;
  };
}
