import type { Building, CityData, CityMeta, CitySummary, Road } from '../../models/city';
import { cityMetaSchema } from '../../models/city';
import { COMPONENT_CLASSES, CLASS_BY_CODE } from '../../models/components';
import { decodePack, encodePack } from '../../models/pack';
import { BUILDING_USES } from '../../models/layers';
import type { Db, DbTx } from '../db';
import { encodeCopyBinary, type CopyColumn } from '../db/copyBinary';

const CHUNK = 20_000;
/** components per COPY when storing: a few MB each, so encoding the next overlaps loading this one */
const COPY_CHUNK = 50_000;

export function cityCounts(city: CityData): CitySummary['counts'] {
  return {
    buildings: city.buildings.length,
    components: city.components.count,
    unitGrids: city.unitGrids.length,
    responsibilityGrids: city.responsibilityGrids.length,
    roads: city.roads.length,
    pronePoints: city.pronePoints.length,
  };
}

/** The tables that hold a city's static data, written whole by saveCity. */
const STATIC_TABLES = ['city_blobs', 'departments', 'responsibility_grids', 'unit_grids', 'prone_points'];

/**
 * Stores a whole city in one transaction: it is there complete, or not at all. `simulator`: the
 * telemetry simulator drives it (generated sample cities); an imported city has real sources and
 * starts with it off.
 *
 * A stored city (`replace`) keeps its id: a running server's history writer and everything keyed
 * by it stay valid (a new id made every later history write of that server fail). Its components
 * keep their index, history and last report (an import adds components after the stored ones).
 * `afresh` (import --replace, generate --replace): the old city goes with its history, state
 * changes and components' states, and the new one has a new id.
 */
export async function saveCity(db: Db, city: CityData, opts: { replace?: boolean; afresh?: boolean; simulator?: boolean } = {}): Promise<void> {
  const meta = cityMetaSchema.parse(city.meta);
  await db.transaction(async (tx) => {
    const existing = await tx.query<{ id: number }>('select id from cities where slug = $1 for update', [meta.slug]);
    let id: number;
    const old = existing.rows[0];
    if (old && !opts.replace) throw new Error(`city "${meta.slug}" already exists (use --replace to overwrite it)`);
    // afresh: the old city and everything under it go (a server holding it notices the new id: Twin.reloadChanged)
    if (old && opts.afresh) await tx.query('delete from cities where id = $1', [old.id]);
    const inPlace = !!old && !opts.afresh;
    if (inPlace) {
      id = old.id;
      await tx.query('update cities set meta = $2, counts = $3, simulator = $4 where id = $1',
        [id, JSON.stringify(meta), JSON.stringify(cityCounts(city)), opts.simulator ?? false]);
      for (const t of STATIC_TABLES) await tx.query(`delete from ${t} where city_id = $1`, [id]);
      await tx.query('delete from components where city_id = $1 and idx >= $2', [id, city.components.count]);
    } else {
      const { rows } = await tx.query<{ id: number }>(
        'insert into cities (slug, meta, counts, simulator) values ($1, $2, $3, $4) returning id',
        [meta.slug, JSON.stringify(meta), JSON.stringify(cityCounts(city)), opts.simulator ?? false],
      );
      id = rows[0]!.id;
    }
    // Every row below references this city, which this transaction holds (inserted or locked
    // above): PostgreSQL's per-row foreign-key check (a trigger, ~40 % of loading 462,894
    // components into PGlite) can find nothing wrong. PGlite runs as its superuser, so it is
    // skipped there for these loads, as pg_restore --disable-triggers does; on a PostgreSQL server
    // the role may not allow it. After the deletes above: their cascades are triggers too.
    const skipFk = db.kind === 'pglite';
    if (skipFk) await tx.exec('set local session_replication_role = replica');
    const cityCol = { type: 'int4', constant: id } as const;
    const blobs = cityBlobs(city);
    await tx.copyFrom('city_blobs', ['city_id', 'name', 'data'], encodeCopyBinary([cityCol,
      { type: 'text', values: blobs.map((b) => b[0]) }, { type: 'bytea', values: blobs.map((b) => b[1]) }], blobs.length));
    const dp = city.departments;
    await copyRows(tx, 'departments', dp.length, { city_id: cityCol, idx: ints(dp.length),
      name_zh: { type: 'text', values: dp.map((d) => d.zh) }, name_en: { type: 'text', values: dp.map((d) => d.en) } });
    const rg = city.responsibilityGrids;
    await copyRows(tx, 'responsibility_grids', rg.length, { city_id: cityCol, idx: ints(rg.length), code: { type: 'text', values: rg.map((r) => r.code) },
      name_zh: { type: 'text', values: rg.map((r) => r.name.zh) }, name_en: { type: 'text', values: rg.map((r) => r.name.en) } });
    const ug = city.unitGrids;
    await copyRows(tx, 'unit_grids', ug.length, { city_id: cityCol, idx: ints(ug.length), code: { type: 'text', values: ug.map((u) => u.code) },
      responsibility_idx: { type: 'int4', values: ug.map((u) => u.responsibilityGrid) }, area_m2: { type: 'float4', values: ug.map((u) => u.areaM2) },
      ring: { type: 'jsonb', values: ug.map((u) => JSON.stringify(u.ring)) } });
    const pp = city.pronePoints;
    await copyRows(tx, 'prone_points', pp.length, { city_id: cityCol, id: { type: 'text', values: pp.map((p) => p.id) },
      name_zh: { type: 'text', values: pp.map((p) => p.name.zh) }, name_en: { type: 'text', values: pp.map((p) => p.name.en) },
      x: { type: 'float4', values: pp.map((p) => p.x) }, y: { type: 'float4', values: pp.map((p) => p.y) },
      ground_m: { type: 'float4', values: pp.map((p) => p.groundM) }, unit_grid_idx: { type: 'int4', values: pp.map((p) => p.unitGrid) } });
    // In place, the components go through a temporary table and one upsert: a stored component
    // keeps its state, reading, last report and source (live data, not the file's).
    if (inPlace) await tx.exec('create temp table components_load (like components including defaults) on commit drop');
    const target = inPlace ? 'components_load' : 'components';
    // components in chunks: the next chunk is encoded here while the database loads the last one
    // (PGlite works on its own thread, PostgreSQL in its own process); one COPY at a time
    const c = city.components;
    const classCodes = COMPONENT_CLASSES.map((k) => k.code);
    let inFlight: Promise<void> = Promise.resolve();
    for (let s = 0; s < c.count; s += COPY_CHUNK) {
      const e = Math.min(c.count, s + COPY_CHUNK), n = e - s;
      const classCode = new Array<string>(n);
      for (let i = 0; i < n; i++) classCode[i] = classCodes[c.classIndex[s + i]!]!;
      const sub = <T extends { subarray(a: number, b: number): T }>(a: T) => a.subarray(s, e);
      const data = encodeCopyBinary([cityCol, { type: 'int4', values: ints(n, s).values }, { type: 'text', values: c.codes.slice(s, e) },
        { type: 'text', values: classCode }, { type: 'float4', values: sub(c.x) }, { type: 'float4', values: sub(c.y) },
        { type: 'float4', values: sub(c.z) }, { type: 'float4', values: sub(c.heading) }, { type: 'int4', values: sub(c.unitGrid) },
        { type: 'int4', values: sub(c.ownerDept) }, { type: 'int4', values: sub(c.maintainerDept) }, { type: 'int2', values: sub(c.state) }], n);
      await inFlight;
      inFlight = tx.copyFrom(target, COMPONENT_COLUMNS, data);
      inFlight.catch(() => {}); // awaited below or at the next chunk; a failure must not go unhandled meanwhile
    }
    await inFlight;
    if (inPlace) {
      const cols = COMPONENT_COLUMNS.join(', ');
      await tx.query(`insert into components (${cols}) select ${cols} from components_load
        on conflict (city_id, idx) do update set code = excluded.code, class_code = excluded.class_code, x = excluded.x, y = excluded.y,
          z = excluded.z, heading = excluded.heading, unit_grid_idx = excluded.unit_grid_idx, owner_dept = excluded.owner_dept,
          maintainer_dept = excluded.maintainer_dept`);
    }
    if (skipFk) await tx.exec('set local session_replication_role = origin');
  });
}

const COMPONENT_COLUMNS = ['city_id', 'idx', 'code', 'class_code', 'x', 'y', 'z', 'heading', 'unit_grid_idx', 'owner_dept', 'maintainer_dept', 'state'];

/** 0..n-1 (plus `from`) as an int4 column */
function ints(n: number, from = 0) {
  const values = new Int32Array(n);
  for (let i = 0; i < n; i++) values[i] = from + i;
  return { type: 'int4', values } as const;
}

/** One COPY of `n` rows; `columns` maps each column name to its values. */
async function copyRows(tx: DbTx, table: string, n: number, columns: Record<string, CopyColumn>) {
  if (n === 0) return;
  await tx.copyFrom(table, Object.keys(columns), encodeCopyBinary(Object.values(columns), n));
}

function cityBlobs(city: CityData): [string, Uint8Array][] {
  const d = city.dem;
  return [
    ['dem', encodePack({ cols: d.cols, rows: d.rows, cellSize: d.cellSize, x0: d.x0, y0: d.y0 }, { heights: d.heights })],
    ['roads', new TextEncoder().encode(JSON.stringify(city.roads))],
    ['water', new TextEncoder().encode(JSON.stringify(city.water))],
    ['buildings', encodeBuildings(city.buildings)],
  ];
}

function encodeBuildings(b: Building[]): Uint8Array {
  const start = new Uint32Array(b.length + 1);
  let n = 0;
  b.forEach((x, i) => { start[i] = n; n += x.ring.length; });
  start[b.length] = n;
  const ring = new Float64Array(n);
  b.forEach((x, i) => ring.set(x.ring, start[i]));
  return encodePack({ count: b.length }, {
    start, ring,
    id: Uint32Array.from(b, (x) => x.id), height: Float32Array.from(b, (x) => x.heightM), base: Float32Array.from(b, (x) => x.baseM),
    floors: Uint16Array.from(b, (x) => x.floors), use: Uint8Array.from(b, (x) => BUILDING_USES.indexOf(x.use)),
    unitGrid: Uint32Array.from(b, (x) => x.unitGrid),
  });
}

function decodeBuildings(data: Uint8Array): Building[] {
  const { arrays: a } = decodePack(data);
  const start = a.start as Uint32Array;
  const out: Building[] = [];
  for (let i = 0; i + 1 < start.length; i++) {
    out.push({
      id: a.id![i]!, ring: Array.from((a.ring as Float64Array).subarray(start[i]!, start[i + 1]!)),
      heightM: a.height![i]!, baseM: a.base![i]!, floors: a.floors![i]!, use: BUILDING_USES[a.use![i]!]!, unitGrid: a.unitGrid![i]!,
    });
  }
  return out;
}

/** Every city, or only the one with `slug`. */
export async function listCities(db: Pick<Db, 'query'>, slug?: string): Promise<CitySummary[]> {
  const { rows } = await db.query<{ meta: CityMeta | string; counts: CitySummary['counts'] | string; created_at: Date | string }>(
    slug === undefined ? 'select meta, counts, created_at from cities order by id' : 'select meta, counts, created_at from cities where slug = $1',
    slug === undefined ? [] : [slug],
  );
  return rows.map((r) => ({
    ...(typeof r.meta === 'string' ? JSON.parse(r.meta) : r.meta),
    counts: typeof r.counts === 'string' ? JSON.parse(r.counts) : r.counts,
    createdAt: new Date(r.created_at).toISOString(),
  }));
}

export async function cityId(db: Pick<Db, 'query'>, slug: string): Promise<number | undefined> {
  return (await db.query<{ id: number }>('select id from cities where slug = $1', [slug])).rows[0]?.id;
}

/** Reads a city back into memory, columnar, as the generator produced it. */
export async function loadCity(db: Db, slug: string): Promise<CityData> {
  const row = (await db.query<{ id: number; meta: CityMeta | string }>('select id, meta from cities where slug = $1', [slug])).rows[0];
  if (!row) throw new Error(`no city "${slug}" in the database`);
  const id = row.id;
  const meta = cityMetaSchema.parse(typeof row.meta === 'string' ? JSON.parse(row.meta) : row.meta);
  const blobs = new Map(
    (await db.query<{ name: string; data: Uint8Array }>('select name, data from city_blobs where city_id = $1', [id])).rows.map((r) => [r.name, new Uint8Array(r.data)]),
  );
  const blob = (n: string) => {
    const b = blobs.get(n);
    if (!b) throw new Error(`city "${slug}" has no ${n} data`);
    return b;
  };
  const dem = decodePack<{ cols: number; rows: number; cellSize: number; x0: number; y0: number }>(blob('dem'));
  const text = (b: Uint8Array) => JSON.parse(new TextDecoder().decode(b));
  const departments = (await db.query<{ name_zh: string; name_en: string }>('select name_zh, name_en from departments where city_id = $1 order by idx', [id])).rows.map((r) => ({ zh: r.name_zh, en: r.name_en }));
  const responsibilityGrids = (await db.query<{ code: string; name_zh: string; name_en: string }>('select code, name_zh, name_en from responsibility_grids where city_id = $1 order by idx', [id])).rows.map((r) => ({ code: r.code, name: { zh: r.name_zh, en: r.name_en } }));
  const unitGrids = (await db.query<{ code: string; responsibility_idx: number; area_m2: number; ring: number[] | string }>('select code, responsibility_idx, area_m2, ring from unit_grids where city_id = $1 order by idx', [id])).rows.map((r) => ({
    code: r.code, responsibilityGrid: r.responsibility_idx, areaM2: r.area_m2, ring: typeof r.ring === 'string' ? JSON.parse(r.ring) : r.ring,
  }));
  const pronePoints = (await db.query<{ id: string; name_zh: string; name_en: string; x: number; y: number; ground_m: number; unit_grid_idx: number }>('select * from prone_points where city_id = $1 order by id', [id])).rows.map((r) => ({
    id: r.id, name: { zh: r.name_zh, en: r.name_en }, x: r.x, y: r.y, groundM: r.ground_m, unitGrid: r.unit_grid_idx,
  }));
  const count = Number((await db.query<{ n: number }>('select count(*)::int as n from components where city_id = $1', [id])).rows[0]!.n);
  const components = {
    count, codes: new Array<string>(count), classIndex: new Uint8Array(count), x: new Float32Array(count), y: new Float32Array(count),
    z: new Float32Array(count), heading: new Float32Array(count), unitGrid: new Uint32Array(count), state: new Uint8Array(count),
    ownerDept: new Uint8Array(count), maintainerDept: new Uint8Array(count),
  };
  for (let s = 0; s < count; s += CHUNK) {
    const { rows } = await db.query<{ idx: number; code: string; class_code: string; x: number; y: number; z: number; heading: number; unit_grid_idx: number; owner_dept: number; maintainer_dept: number; state: number }>(
      'select idx, code, class_code, x, y, z, heading, unit_grid_idx, owner_dept, maintainer_dept, state from components where city_id = $1 and idx >= $2 and idx < $3',
      [id, s, s + CHUNK],
    );
    for (const r of rows) {
      const i = r.idx;
      components.codes[i] = r.code;
      components.classIndex[i] = CLASS_BY_CODE.get(r.class_code)?.index ?? 0;
      components.x[i] = r.x; components.y[i] = r.y; components.z[i] = r.z; components.heading[i] = r.heading;
      components.unitGrid[i] = r.unit_grid_idx; components.ownerDept[i] = r.owner_dept; components.maintainerDept[i] = r.maintainer_dept;
      components.state[i] = r.state;
    }
  }
  return {
    meta, departments, responsibilityGrids, unitGrids, pronePoints, components,
    dem: { ...dem.meta, heights: dem.arrays.heights as Float32Array },
    roads: text(blob('roads')) as Road[],
    water: text(blob('water')),
    buildings: decodeBuildings(blob('buildings')),
  };
}
