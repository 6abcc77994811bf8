// Cesium's static Workers/Assets/Widgets/ThirdParty must be served from our own origin
// (air-gapped: nothing from a CDN). Copied at install time, never committed.
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'node_modules/cesium/Build/Cesium');
const dst = join(root, 'public/cesium');
if (!existsSync(src)) {
  console.warn('copy-cesium: cesium is not installed yet, skipped');
  process.exit(0);
}
mkdirSync(dst, { recursive: true });
for (const dir of ['Assets', 'ThirdParty', 'Widgets', 'Workers']) {
  cpSync(join(src, dir), join(dst, dir), { recursive: true });
}
console.log('copy-cesium: public/cesium ready');
