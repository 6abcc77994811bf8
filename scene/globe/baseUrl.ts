// Must run before cesium is first used: Cesium's Workers/Assets are served from our own origin
// (copied to public/cesium by the postinstall script); nothing is fetched from the internet.
declare global {
  interface Window { CESIUM_BASE_URL?: string }
}
if (typeof window !== 'undefined') window.CESIUM_BASE_URL = '/cesium';
export {};
