import './baseUrl';
import {
  BoundingSphere, buildModuleUrl, Cartesian3, CesiumWidget, Color, HeadingPitchRange, Ion, Math as CMath, Matrix4,
  ScreenSpaceEventHandler, ScreenSpaceEventType, TileMapServiceImageryProvider, type Cartesian2,
} from 'cesium';

export interface GlobeOptions {
  container: HTMLElement;
  onClick: (x: number, y: number) => void;
}

/**
 * The Cesium base: the globe with offline NaturalEarthII imagery, no ion, no widgets, no
 * sky/atmosphere/fog/sun/FXAA/MSAA (SwiftShader-friendly), render on request only. It owns the
 * camera controller (mouse and touch orbit, pan, zoom).
 */
export function createGlobe({ container, onClick }: GlobeOptions) {
  Ion.defaultAccessToken = '';
  const credits = document.createElement('div');
  credits.style.display = 'none';
  const widget = new CesiumWidget(container, {
    baseLayer: false,
    skyBox: false,
    skyAtmosphere: false,
    scene3DOnly: true,
    requestRenderMode: true,
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
  scene.globe.maximumScreenSpaceError = 3;
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
      } else {
        scene.camera.lookAt(target, hpr);
        scene.camera.lookAtTransform(Matrix4.IDENTITY);
      }
      scene.requestRender();
    },
    destroy() {
      destroyed = true;
      handler.destroy();
      widget.destroy();
    },
    toRadians: CMath.toRadians,
  };
}
export type Globe = ReturnType<typeof createGlobe>;
