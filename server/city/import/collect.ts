// Features to the import's records, in WGS84 lon/lat, each checked: every problem is reported with
// its file, feature index (and line for CSV), field and what was wrong. Nothing here touches a city.
import { CLASS_BY_CODE } from '../../../models/components';
import type { FileMapping, ImportProblem, ImportRole } from '../../../models/cityImport';
import type { RawFeature } from './read';

export interface Growable { lon: number[]; lat: number[] }
export interface ComponentRecords extends Growable { cls: number[]; code: (string | null)[] }
export interface BuildingRecord { ring: number[]; heightM: number | null; floors: number | null; absBase: number | null; absTop: number | null }
export interface RoadRecord { points: number[]; name: string | null; kind: string | null; widthM: number | null }
export interface GridRecord { ring: number[]; code: string }
export interface ProneRecord { lon: number; lat: number; name: string | null }

export interface Collected {
  components: ComponentRecords;
  buildings: BuildingRecord[];
  roads: RoadRecord[];
  grids: GridRecord[];
  prone: ProneRecord[];
  /** a ground level the data implies (CityJSON terrain, TerrainHeight), for a flat terrain */
  groundHints: number[];
  /** lon/lat boxes the city must cover beyond its features (3D Tiles tilesets) */
  areas: [number, number, number, number][];
}

export const emptyCollected = (): Collected => ({
  components: { lon: [], lat: [], cls: [], code: [] }, buildings: [], roads: [], grids: [], prone: [], groundHints: [], areas: [],
});

export type ToLonLat = (x: number, y: number) => [number, number];

/** Per file: turns raw features into records, reporting problems; counts what it kept. */
export class FeatureSink {
  accepted = 0;
  features = 0;
  /** features the class mapping leaves out (a class mapped to null) */
  leftOut = 0;
  readonly classValues = new Map<string, number>();
  readonly fields = new Set<string>();
  constructor(
    private readonly file: string,
    readonly role: ImportRole,
    private readonly map: FileMapping,
    private readonly out: Collected,
    private readonly toLonLat: ToLonLat,
    private readonly problem: (p: ImportProblem) => void,
    /** bounds in lon/lat: [w, s, e, n] */
    readonly bounds: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity],
  ) {}

  private err(f: RawFeature, message: string, field?: string, severity: 'error' | 'warning' = 'error') {
    this.problem({ file: this.file, index: f.index, ...(f.line ? { line: f.line } : {}), ...(field ? { field } : {}), severity, message });
  }

  private pt(f: RawFeature, c: unknown, where: string): [number, number] | null {
    if (!Array.isArray(c) || c.length < 2 || typeof c[0] !== 'number' || typeof c[1] !== 'number' || !Number.isFinite(c[0]) || !Number.isFinite(c[1])) {
      this.err(f, `${where}: a position must be [x, y] numbers, got ${JSON.stringify(c)?.slice(0, 60)}`, 'geometry');
      return null;
    }
    const ll = this.toLonLat(c[0], c[1]);
    if (!Number.isFinite(ll[0]) || !Number.isFinite(ll[1]) || Math.abs(ll[0]) > 180 || Math.abs(ll[1]) > 90) {
      this.err(f, `${where}: (${c[0]}, ${c[1]}) is not a place in the file's coordinate system (wrong CRS?)`, 'geometry');
      return null;
    }
    const b = this.bounds;
    if (ll[0] < b[0]) b[0] = ll[0]; if (ll[1] < b[1]) b[1] = ll[1];
    if (ll[0] > b[2]) b[2] = ll[0]; if (ll[1] > b[3]) b[3] = ll[1];
    return ll;
  }

  private ring(f: RawFeature, r: unknown, where: string): number[] | null {
    if (!Array.isArray(r) || r.length < 4) { this.err(f, `${where}: a ring needs at least 4 positions (closed), got ${Array.isArray(r) ? r.length : typeof r}`, 'geometry'); return null; }
    const a = r[0], z = r[r.length - 1];
    if (!Array.isArray(a) || !Array.isArray(z) || a[0] !== z[0] || a[1] !== z[1]) { this.err(f, `${where}: the ring does not close (first position != last)`, 'geometry'); return null; }
    const out: number[] = [];
    for (let i = 0; i < r.length - 1; i++) {
      const p = this.pt(f, r[i], `${where}[${i}]`);
      if (!p) return null;
      out.push(p[0], p[1]);
    }
    return out;
  }

  private num(f: RawFeature, field: string | undefined): number | null | undefined {
    if (!field) return undefined;
    const v = f.properties[field];
    if (v === undefined || v === null || v === '') return null;
    const n = typeof v === 'number' ? v : Number(v);
    if (!Number.isFinite(n)) { this.err(f, `"${String(v).slice(0, 30)}" is not a number`, field); return undefined; }
    return n;
  }

  add(f: RawFeature): void {
    this.features++;
    if (this.fields.size < 200) for (const k of Object.keys(f.properties)) this.fields.add(k);
    const g = f.geometry;
    if (!g) { this.err(f, 'the feature has no geometry', 'geometry'); return; }
    switch (this.role) {
      case 'components': this.component(f, g); break;
      case 'prone': this.pronePoint(f, g); break;
      case 'buildings': this.building(f, g); break;
      case 'roads': this.road(f, g); break;
      case 'grids': this.grid(f, g); break;
      default: this.err(f, `a ${this.role} file has no features`);
    }
  }

  private pointOf(f: RawFeature, g: { type: string; coordinates: unknown }): [number, number] | null {
    if (g.type === 'Point') return this.pt(f, g.coordinates, 'Point');
    // a polygon component (a bus shelter outline): its vertex mean
    if (g.type === 'Polygon' && Array.isArray(g.coordinates)) {
      const r = this.ring(f, g.coordinates[0], 'Polygon[0]');
      if (!r) return null;
      let x = 0, y = 0;
      for (let i = 0; i < r.length; i += 2) { x += r[i]!; y += r[i + 1]!; }
      return [x / (r.length / 2), y / (r.length / 2)];
    }
    this.err(f, `a component needs a Point (or a Polygon outline), got ${g.type}`, 'geometry');
    return null;
  }

  private component(f: RawFeature, g: { type: string; coordinates: unknown }) {
    const m = this.map;
    let code: string | null | undefined = m.class;
    if (m.classField) {
      const raw = f.properties[m.classField];
      const v = raw === undefined || raw === null ? '' : String(raw);
      this.classValues.set(v, (this.classValues.get(v) ?? 0) + 1);
      if (m.classes && v in m.classes) code = m.classes[v];
      else if (CLASS_BY_CODE.has(v)) code = v;
      else if (m.classes && '*' in m.classes) code = m.classes['*'];
      else if (!m.class) { this.err(f, `class "${v}" maps to nothing: add it to the class mapping`, m.classField); return; }
      if (code === null) { this.leftOut++; this.err(f, `class "${v}" is left out by the mapping`, m.classField, 'warning'); return; }
    }
    if (!code) { this.err(f, 'no class: give the file a class, or a class field and mapping', 'class'); return; }
    const cls = CLASS_BY_CODE.get(code);
    if (!cls) { this.err(f, `class code "${code}" is not a GB/T 47678.5 class the twin knows`, 'class'); return; }
    let id: string | null = null;
    if (m.codeField) {
      const raw = f.properties[m.codeField];
      if (raw !== undefined && raw !== null && raw !== '') {
        const s = String(raw).trim();
        if (!/^\d{16,17}$/.test(s)) { this.err(f, `component code "${s.slice(0, 30)}" must be 17 digits (GB/T 47678.5) or the older 16: it has ${s.length} characters`, m.codeField); return; }
        id = s.length === 16 ? s.slice(0, 8) + '0' + s.slice(8) : s;
        if (id.slice(6, 11) !== code) { this.err(f, `component code ${id} is of class ${id.slice(6, 11)}, the mapping says ${code}`, m.codeField); return; }
      }
    }
    const p = this.pointOf(f, g);
    if (!p) return;
    const c = this.out.components;
    c.lon.push(p[0]); c.lat.push(p[1]); c.cls.push(cls.index); c.code.push(id);
    this.accepted++;
  }

  private pronePoint(f: RawFeature, g: { type: string; coordinates: unknown }) {
    if (g.type !== 'Point') { this.err(f, `a prone point needs a Point, got ${g.type}`, 'geometry'); return; }
    const p = this.pt(f, g.coordinates, 'Point');
    if (!p) return;
    const name = this.map.nameField ? f.properties[this.map.nameField] : (f.properties.name ?? f.properties.NAME);
    this.out.prone.push({ lon: p[0], lat: p[1], name: name === undefined || name === null ? null : String(name) });
    this.accepted++;
  }

  private polygons(f: RawFeature, g: { type: string; coordinates: unknown }): number[][] | null {
    const polys = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' && Array.isArray(g.coordinates) ? g.coordinates : null;
    if (!polys) { this.err(f, `needs a Polygon or MultiPolygon, got ${g.type}`, 'geometry'); return null; }
    const out: number[][] = [];
    for (let k = 0; k < polys.length; k++) {
      const p = polys[k];
      if (!Array.isArray(p) || p.length === 0) { this.err(f, `polygon ${k} has no rings`, 'geometry'); return null; }
      const r = this.ring(f, p[0], `${g.type === 'Polygon' ? 'Polygon' : `MultiPolygon[${k}]`}[0]`);
      if (!r) return null;
      out.push(r);
    }
    return out;
  }

  private building(f: RawFeature, g: { type: string; coordinates: unknown }) {
    const m = this.map;
    const hf = m.heightField ?? ['height', 'HEIGHT', 'Height', 'measuredHeight', 'building:height'].find((k) => k in f.properties);
    const sf = m.storeysField ?? ['floors', 'storeys', 'building:levels', 'levels', 'FLOORS'].find((k) => k in f.properties);
    const h = this.num(f, hf), s = this.num(f, sf);
    if (h === undefined && hf) return; // reported
    if (s === undefined && sf) return;
    if (typeof h === 'number' && h <= 0) { this.err(f, `height ${h} must be above 0`, hf); return; }
    const rings = this.polygons(f, g);
    if (!rings) return;
    const th = this.num(f, 'TerrainHeight');
    if (typeof th === 'number') this.out.groundHints.push(th);
    for (const ring of rings) {
      this.out.buildings.push({ ring, heightM: typeof h === 'number' ? h : null, floors: typeof s === 'number' ? Math.max(1, Math.round(s)) : null, absBase: null, absTop: null });
    }
    if (typeof h !== 'number' && typeof s !== 'number') this.err(f, 'no height or storeys: the default height (10 m) is used', hf ?? 'height', 'warning');
    this.accepted++;
  }

  private road(f: RawFeature, g: { type: string; coordinates: unknown }) {
    const lines = g.type === 'LineString' ? [g.coordinates] : g.type === 'MultiLineString' && Array.isArray(g.coordinates) ? g.coordinates : null;
    if (!lines) { this.err(f, `a road needs a LineString, got ${g.type}`, 'geometry'); return; }
    const name = f.properties[this.map.nameField ?? 'name'];
    const kind = f.properties.kind ?? f.properties.highway;
    const width = this.num(f, 'width');
    for (const l of lines) {
      if (!Array.isArray(l) || l.length < 2) { this.err(f, 'a line needs at least 2 positions', 'geometry'); return; }
      const pts: number[] = [];
      for (let i = 0; i < l.length; i++) {
        const p = this.pt(f, l[i], `LineString[${i}]`);
        if (!p) return;
        pts.push(p[0], p[1]);
      }
      this.out.roads.push({ points: pts, name: name === undefined || name === null ? null : String(name), kind: kind === undefined ? null : String(kind), widthM: typeof width === 'number' ? width : null });
    }
    this.accepted++;
  }

  private grid(f: RawFeature, g: { type: string; coordinates: unknown }) {
    const field = this.map.gridCodeField ?? 'code';
    const code = String(f.properties[field] ?? '');
    if (!/^\d{15}$/.test(code)) { this.err(f, `unit grid code "${code.slice(0, 30)}" must be 15 digits: county(6) street(3) community(3) serial(3)`, field); return; }
    const rings = this.polygons(f, g);
    if (!rings) return;
    this.out.grids.push({ ring: rings[0]!, code });
    this.accepted++;
  }
}
