// `npm run bench -- import`: the city importer's speed and memory, beside the generator storing
// the same city in this run. Input made here: the Huaibei-scale city's 462,894 components as a
// GeoJSON file (WGS84, class code in a property) and the default city's buildings as CityJSON
// (LoD1 blocks, EPSG:32651). Figures: components per second and peak RSS of the import (read,
// check, build, store into an in-memory PGlite), the generator's components per second
// (generate + store). The inputs are written by a child process (--write=<dir>), so the import's
// peak RSS is its own. Flags: --components=N (a smaller run), --keep (leave the files).
import { spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { COMPONENT_CLASSES } from '../models/components';
import { enuToGeodetic } from '../models/geo';
import { generateCity } from '../server/city/generate';
import { crsTransform } from '../server/city/import/crs';
import { importCity } from '../server/city/import/index';
import { saveCity } from '../server/city/store';
import { openDb } from '../server/db';

const flag = (flags: string[], name: string) => flags.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];

function peakRss(): { stop(): number } {
  let peak = process.memoryUsage().rss;
  const t = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
  return { stop: () => { clearInterval(t); return Math.max(peak, process.memoryUsage().rss) / 1048576; } };
}

export async function run(flags: string[]): Promise<void> {
  const write = flag(flags, 'write');
  if (write) return writeInputs(write, flags);
  const dir = await mkdtemp(join(tmpdir(), 'bench-import-'));
  try {
    // the inputs are made in a child process, so the generated city's memory is not counted as the importer's
    const child = spawnSync(process.execPath, [...process.execArgv, process.argv[1]!, 'import', `--write=${dir}`, ...flags], { stdio: 'inherit' });
    if (child.status !== 0) throw new Error(`writing the inputs failed (exit ${child.status})`);
    const gj = join(dir, 'components.geojson'), cj = join(dir, 'buildings.city.json');
    await measure(gj, cj);
  } finally {
    if (!flags.includes('--keep')) await rm(dir, { recursive: true, force: true });
  }
}

async function writeInputs(dir: string, flags: string[]): Promise<void> {
  {
    const big = generateCity({ preset: 'huaibei' });
    const n = Math.min(big.components.count, Number(flag(flags, 'components') ?? big.components.count));
    const o = { lonDeg: big.meta.originLonDeg, latDeg: big.meta.originLatDeg, heightM: 0 };
    const gj = join(dir, 'components.geojson');
    {
      const out = createWriteStream(gj);
      const w = (s: string) => (out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
      await w('{"type":"FeatureCollection","features":[\n');
      const c = big.components;
      for (let i = 0; i < n; i++) {
        const g = enuToGeodetic([c.x[i]!, c.y[i]!, 0], o);
        await w(`${i ? ',\n' : ''}{"type":"Feature","properties":{"class":"${COMPONENT_CLASSES[c.classIndex[i]!]!.code}","code":"${c.codes[i]}"},"geometry":{"type":"Point","coordinates":[${g.lonDeg.toFixed(8)},${g.latDeg.toFixed(8)}]}}`);
      }
      await w('\n]}\n');
      await new Promise<void>((r) => out.end(() => r()));
    }
    // the default city's buildings as CityJSON LoD1 blocks in UTM 51 N, 1 mm integer vertices
    const def = generateCity({ preset: 'default' });
    const cj = join(dir, 'buildings.city.json');
    {
      const utm = crsTransform(32651);
      const od = { lonDeg: def.meta.originLonDeg, latDeg: def.meta.originLatDeg, heightM: 0 };
      const vertices: number[][] = [];
      const objects: Record<string, unknown> = {};
      for (const b of def.buildings) {
        const base = vertices.length, k = b.ring.length / 2;
        for (const z of [b.baseM, b.baseM + b.heightM]) for (let i = 0; i < k; i++) {
          const g = enuToGeodetic([b.ring[2 * i]!, b.ring[2 * i + 1]!, 0], od);
          const [x, y] = utm.fromLonLat(g.lonDeg, g.latDeg);
          vertices.push([Math.round(x * 1000), Math.round(y * 1000), Math.round(z * 1000)]);
        }
        const ground = Array.from({ length: k }, (_, i) => base + k - 1 - i), roof = Array.from({ length: k }, (_, i) => base + k + i);
        const walls = Array.from({ length: k }, (_, i) => [[base + i, base + (i + 1) % k, base + k + (i + 1) % k, base + k + i]]);
        objects[`b${b.id}`] = { type: 'Building', geometry: [{ type: 'Solid', lod: '1', boundaries: [[[ground], [roof], ...walls]], semantics: { surfaces: [{ type: 'GroundSurface' }, { type: 'RoofSurface' }], values: [[0, 1, ...walls.map(() => null)]] } }] };
      }
      await writeFile(cj, JSON.stringify({ type: 'CityJSON', version: '2.0', metadata: { referenceSystem: 'https://www.opengis.net/def/crs/EPSG/0/32651' }, transform: { scale: [0.001, 0.001, 0.001], translate: [0, 0, 0] }, vertices, CityObjects: objects }));
    }

  }
}

const cpuSince = (c: NodeJS.CpuUsage) => { const d = process.cpuUsage(c); return (d.user + d.system) / 1e6; };

async function measure(gj: string, cj: string): Promise<void> {
  {
    const db = await openDb({});
    try {
      global.gc?.();
      const mem = peakRss();
      const phases: Record<string, number> = {};
      // CPU seconds of this process, the database thread included: on a shared machine the
      // wall-clock figure follows the others' load, this one much less
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const check = await importCity(db, [{ path: gj, name: 'components.geojson' }, { path: cj, name: 'buildings.city.json' }],
        { city: 'bench-import', replace: true }, { 'components.geojson': { classField: 'class', codeField: 'code' } },
        { onProgress: (p) => { if (p.phase !== 'parse' && !(p.phase in phases)) phases[p.phase] = performance.now() - t0; } });
      const seconds = (performance.now() - t0) / 1000;
      const cpuSeconds = cpuSince(cpu0);
      // where the time goes: read + check until 'build', then build, then store
      const at = (k: string) => (phases[k] ?? NaN) / 1000;
      console.log(`phases: read+check ${at('build').toFixed(1)} s, build ${(at('store') - at('build')).toFixed(1)} s, store ${(at('done') - at('store')).toFixed(1)} s`);
      const peakRssMb = mem.stop();
      if (!check.ok) throw new Error(`import check failed: ${check.problems.slice(0, 3).map((p) => p.message).join('; ')}`);

      const cpu1 = process.cpuUsage();
      const t1 = performance.now();
      const again = generateCity({ preset: 'huaibei' });
      await saveCity(db, { ...again, meta: { ...again.meta, slug: 'bench-generated' } }, { replace: true, afresh: true });
      const genSeconds = (performance.now() - t1) / 1000;
      const genCpuSeconds = cpuSince(cpu1);

      const componentsPerSecond = Math.round(check.summary.components / seconds);
      const generatorComponentsPerSecond = Math.round(again.components.count / genSeconds);
      console.log(`import: ${check.summary.components} components + ${check.summary.buildings} CityJSON buildings in ${seconds.toFixed(1)} s = ${componentsPerSecond} components/s (CPU ${cpuSeconds.toFixed(1)} s), peak RSS ${peakRssMb.toFixed(0)} MB`);
      console.log(`generator (baseline, same run): ${again.components.count} components generated and stored in ${genSeconds.toFixed(1)} s = ${generatorComponentsPerSecond} components/s (CPU ${genCpuSeconds.toFixed(1)} s)`);
      console.log(`goals: >= 50,000 components/s (${componentsPerSecond >= 50_000 ? 'met' : 'NOT met'}), peak RSS < 1.5 GB (${peakRssMb < 1536 ? 'met' : 'NOT met'})`);
      console.log(JSON.stringify({ bench: 'import', components: check.summary.components, buildings: check.summary.buildings, seconds: Math.round(seconds * 100) / 100, componentsPerSecond, peakRssMb: Math.round(peakRssMb), generatorSeconds: Math.round(genSeconds * 100) / 100, generatorComponentsPerSecond, cpuSeconds: Math.round(cpuSeconds * 100) / 100, generatorCpuSeconds: Math.round(genCpuSeconds * 100) / 100 }));
    } finally {
      await db.close();
    }
  }
}
