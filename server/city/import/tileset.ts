// 3D Tiles 1.0/1.1 tilesets: read and check a tileset.json and every file it references (external
// tilesets included), find where its geometry is (lon/lat bounds and the ground level, from the
// glTF positions of b3dm/glb contents), and copy it under DATA_DIR for the server to serve.
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join, normalize, relative, resolve, sep } from 'node:path';
import { ecefToGeodetic } from '../../../models/geo';
import { tilesetJsonSchema, type TileJson } from '../../../models/tileset';

export interface TilesetRead {
  /** the tileset.json's folder and every file it needs, relative to that folder */
  dir: string; entry: string; files: string[];
  contents: number;
  bounds: [number, number, number, number] | null;
  groundM: number | null;
  topM: number | null;
}

type M4 = number[]; // column-major, as in glTF and 3D Tiles
const IDENTITY: M4 = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
const mul = (a: M4, b: M4): M4 => {
  const o = new Array<number>(16);
  for (let c = 0; c < 4; c++) for (let r = 0; r < 4; r++) {
    let s = 0;
    for (let k = 0; k < 4; k++) s += a[k * 4 + r]! * b[c * 4 + k]!;
    o[c * 4 + r] = s;
  }
  return o;
};
// glTF is y-up, 3D Tiles z-up: contents are rotated +90° about x (3D Tiles spec, "glTF transforms")
const Y_UP_TO_Z_UP: M4 = [1, 0, 0, 0, 0, 0, 1, 0, 0, -1, 0, 0, 0, 0, 0, 1];
/** geometry sampled per tileset for its bounds and ground (a city centre's set has far fewer) */
const MAX_SAMPLED_CONTENTS = 64;

/** Reads and checks; problems are thrown as messages naming the file (and tile) at fault. */
export function readTileset(path: string): TilesetRead {
  const dir = dirname(resolve(path));
  const entry = relative(dir, resolve(path));
  const files = new Set<string>([entry]);
  let contents = 0, sampled = 0;
  const heights: number[] = [];
  const bounds: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];

  const inside = (rel: string, from: string): string => {
    if (/^[a-z][a-z0-9+.-]*:/i.test(rel)) throw new Error(`${from}: the content "${rel}" is a URL: only files beside the tileset are imported`);
    const p = normalize(join(dirname(from), decodeURIComponent(rel.split(/[?#]/)[0]!)));
    if (p.startsWith('..') || p.startsWith(sep)) throw new Error(`${from}: the content "${rel}" is outside the tileset's folder`);
    if (!existsSync(join(dir, p))) throw new Error(`${from}: the content "${rel}" is missing`);
    return p;
  };

  const walk = (file: string, depth: number, parent: M4) => {
    if (depth > 8) throw new Error(`${file}: external tilesets nested too deep`);
    let json: unknown;
    try { json = JSON.parse(readFileSync(join(dir, file), 'utf8')); } catch (e) { throw new Error(`${file}: not JSON (${(e as Error).message})`); }
    const r = tilesetJsonSchema.safeParse(json);
    if (!r.success) throw new Error(`${file}: not a 3D Tiles 1.0/1.1 tileset: ${r.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const tile = (t: TileJson, m: M4) => {
      const world = t.transform ? mul(m, t.transform) : m;
      for (const c of [...(t.content ? [t.content] : []), ...(t.contents ?? [])]) {
        const p = inside((c.uri ?? c.url)!, file);
        files.add(p);
        if (/\.json$/i.test(p)) { walk(p, depth + 1, world); continue; }
        contents++;
        if (sampled < MAX_SAMPLED_CONTENTS && /\.(b3dm|glb)$/i.test(p)) {
          sampled++;
          samplePositions(join(dir, p), world, (x, y, z) => {
            const g = ecefToGeodetic([x, y, z]);
            heights.push(g.heightM);
            if (g.lonDeg < bounds[0]) bounds[0] = g.lonDeg; if (g.latDeg < bounds[1]) bounds[1] = g.latDeg;
            if (g.lonDeg > bounds[2]) bounds[2] = g.lonDeg; if (g.latDeg > bounds[3]) bounds[3] = g.latDeg;
          }, p);
        }
      }
      for (const ch of t.children ?? []) tile(ch, world);
    };
    tile(r.data.root, parent);
  };
  walk(entry, 0, IDENTITY);
  if (contents === 0) throw new Error(`${entry}: the tileset has no content`);
  heights.sort((a, b) => a - b);
  return {
    dir, entry, files: [...files], contents,
    bounds: Number.isFinite(bounds[0]) ? bounds : null,
    // a low percentile, not the minimum: one stray vertex should not sink the city's ground
    groundM: heights.length ? Math.round(heights[Math.floor(heights.length * 0.01)]! * 100) / 100 : null,
    topM: heights.length ? Math.round(heights[heights.length - 1]! * 100) / 100 : null,
  };
}

/** Every vertex position of a b3dm's or glb's glTF, in ECEF, through the tile's and the nodes' transforms. */
function samplePositions(path: string, tile: M4, out: (x: number, y: number, z: number) => void, name: string) {
  const buf = readFileSync(path);
  let glb = buf, rtc: number[] | null = null;
  if (buf.toString('ascii', 0, 4) === 'b3dm') {
    const [ftJson, ftBin, btJson, btBin] = [12, 16, 20, 24].map((o) => buf.readUInt32LE(o)) as [number, number, number, number];
    if (ftJson > 0) {
      const ft = JSON.parse(buf.toString('utf8', 28, 28 + ftJson)) as { RTC_CENTER?: number[] };
      if (Array.isArray(ft.RTC_CENTER) && ft.RTC_CENTER.length === 3) rtc = ft.RTC_CENTER;
    }
    glb = buf.subarray(28 + ftJson + ftBin + btJson + btBin);
  }
  if (glb.toString('ascii', 0, 4) !== 'glTF') throw new Error(`${name}: no binary glTF (GLB) inside`);
  const jsonLen = glb.readUInt32LE(12);
  const gltf = JSON.parse(glb.toString('utf8', 20, 20 + jsonLen)) as Gltf;
  const binStart = 20 + jsonLen + 8;
  const rtcM: M4 = rtc ? [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, rtc[0]!, rtc[1]!, rtc[2]!, 1] : IDENTITY;
  const cesiumRtc = gltf.extensions?.CESIUM_RTC?.center;
  const base = mul(mul(mul(tile, rtcM), cesiumRtc ? [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, cesiumRtc[0]!, cesiumRtc[1]!, cesiumRtc[2]!, 1] : IDENTITY), Y_UP_TO_Z_UP);
  const scene = gltf.scenes?.[gltf.scene ?? 0]?.nodes ?? gltf.nodes?.map((_, i) => i) ?? [];
  const visit = (ni: number, m: M4) => {
    const n = gltf.nodes?.[ni];
    if (!n) return;
    const w = mul(m, nodeMatrix(n));
    if (n.mesh !== undefined) for (const prim of gltf.meshes?.[n.mesh]?.primitives ?? []) {
      const a = gltf.accessors?.[prim.attributes.POSITION ?? -1];
      const bv = a && a.bufferView !== undefined ? gltf.bufferViews?.[a.bufferView] : undefined;
      if (!a || !bv || a.componentType !== 5126) continue; // float positions (quantised ones are rare in b3dm)
      const stride = bv.byteStride ?? 12, start = binStart + (bv.byteOffset ?? 0) + (a.byteOffset ?? 0);
      const step = Math.max(1, Math.floor(a.count / 20_000)); // enough for bounds and a ground percentile
      for (let i = 0; i < a.count; i += step) {
        const o = start + i * stride;
        const x = glb.readFloatLE(o), y = glb.readFloatLE(o + 4), z = glb.readFloatLE(o + 8);
        out(w[0]! * x + w[4]! * y + w[8]! * z + w[12]!, w[1]! * x + w[5]! * y + w[9]! * z + w[13]!, w[2]! * x + w[6]! * y + w[10]! * z + w[14]!);
      }
    }
    for (const c of n.children ?? []) visit(c, w);
  };
  for (const ni of scene) visit(ni, base);
}

interface GltfNode { mesh?: number; children?: number[]; matrix?: number[]; translation?: number[]; rotation?: number[]; scale?: number[] }
interface Gltf {
  scene?: number; scenes?: { nodes?: number[] }[]; nodes?: GltfNode[];
  meshes?: { primitives: { attributes: { POSITION?: number } }[] }[];
  accessors?: { bufferView?: number; byteOffset?: number; componentType: number; count: number }[];
  bufferViews?: { byteOffset?: number; byteStride?: number }[];
  extensions?: { CESIUM_RTC?: { center?: number[] } };
}

function nodeMatrix(n: GltfNode): M4 {
  if (n.matrix?.length === 16) return n.matrix;
  const [tx, ty, tz] = n.translation ?? [0, 0, 0];
  const [x, y, z, w] = n.rotation ?? [0, 0, 0, 1];
  const [sx, sy, sz] = n.scale ?? [1, 1, 1];
  return [
    (1 - 2 * (y! * y! + z! * z!)) * sx!, 2 * (x! * y! + z! * w!) * sx!, 2 * (x! * z! - y! * w!) * sx!, 0,
    2 * (x! * y! - z! * w!) * sy!, (1 - 2 * (x! * x! + z! * z!)) * sy!, 2 * (y! * z! + x! * w!) * sy!, 0,
    2 * (x! * z! + y! * w!) * sz!, 2 * (y! * z! - x! * w!) * sz!, (1 - 2 * (x! * x! + y! * y!)) * sz!, 0,
    tx!, ty!, tz!, 1,
  ];
}

/** The folder of a city's tilesets under DATA_DIR. */
export const tilesetsDir = (dataDir: string, city: string) => join(dataDir, 'tilesets', city);

/** Copies a tileset's files into a staging folder beside the final one; `commit` renames it into place. */
export async function stageTileset(t: Pick<TilesetRead, 'dir' | 'files'>, dataDir: string, city: string, id: string) {
  const root = tilesetsDir(dataDir, city);
  const staging = join(root, `.staging-${id}`);
  await rm(staging, { recursive: true, force: true });
  for (const f of t.files) {
    await mkdir(dirname(join(staging, f)), { recursive: true });
    await copyFile(join(t.dir, f), join(staging, f));
  }
  return {
    commit: async () => { await rm(join(root, id), { recursive: true, force: true }); await rename(staging, join(root, id)); },
    abort: () => rm(staging, { recursive: true, force: true }),
  };
}

/** After a city is stored: the folders of tilesets it no longer lists (a --replace) are deleted. */
export async function dropUnlistedTilesets(dataDir: string | undefined, city: string, keep: { id: string }[]) {
  if (!dataDir) return;
  const root = tilesetsDir(dataDir, city);
  const ids = new Set(keep.map((k) => k.id));
  for (const d of await readdir(root).catch(() => [] as string[])) if (!d.startsWith('.') && !ids.has(d)) await rm(join(root, d), { recursive: true, force: true });
}
