// Malformed city imports (server/city/import): small valid files of every format the importer
// reads (GeoJSON, CSV, CityJSON, ESRI ASCII grid, GeoTIFF), each broken in one way that the
// importer must refuse with an error (truncated, garbled, huge values, wrong codes, wrong CRS),
// plus uploads and job requests broken against models/cityImport's schemas. A mutation that could
// still be a valid file is never made: an accepted import would store a city and show as a changed digest.
import { importJobRequestSchema } from '../../models/cityImport';
import { encodeGeoTiff } from '../../server/sim/raster';
import { mulberry32 } from '../../server/live/simulator';

export interface ImportFuzzCity { slug: string; lon: number; lat: number }

export type ImportMalformed =
  /** a file to import; `via` is the CLI's path (importCity in this process) or the /import page's (upload + job on a worker) */
  | { kind: 'file'; via: 'cli' | 'http'; format: string; broken: string; name: string; bytes: Uint8Array; mapping: Record<string, unknown>; city: string }
  | { kind: 'upload'; session: string; name: string; bytes: Uint8Array; declaredBytes?: number }
  | { kind: 'job'; body: string };

const enc = new TextEncoder();
const INSIDE_ARRAY = '\u0000}'; // a raw control character: invalid in a JSON string, a number, or between tokens

export class ImportFuzzer {
  private readonly r: () => number;

  constructor(seed: number, private readonly city: ImportFuzzCity) { this.r = mulberry32(seed ^ 0x51ed); }

  private int(n: number) { return Math.floor(this.r() * n); }
  private pick<T>(a: readonly T[]): T { return a[this.int(a.length)]!; }
  private lonLat(): [number, number] { return [this.city.lon + (this.r() - 0.5) * 0.01, this.city.lat + (this.r() - 0.5) * 0.01]; }
  private targetCity() { return this.int(3) === 0 ? this.city.slug : this.pick(['fuzz-new', 'fuzzed']); }

  private points(n: number) {
    return Array.from({ length: n }, (_, k) => ({ type: 'Feature', properties: { name: `p${k}`, code: null as unknown }, geometry: { type: 'Point', coordinates: this.lonLat() as unknown } }));
  }

  private geojson(): ImportMalformed {
    const feats = this.points(3 + this.int(10));
    const mapping: Record<string, unknown> = { as: 'components', class: '03005' };
    const doc = () => JSON.stringify({ type: 'FeatureCollection', features: feats });
    let text: string, broken: string;
    const k = this.int(feats.length);
    switch (this.int(6)) {
      case 0: { // cut anywhere before the array closes
        const s = doc(); text = s.slice(0, this.int(s.lastIndexOf(']'))); broken = 'truncated'; break;
      }
      case 1: { // garbage inside the features array
        const s = doc(), a = s.indexOf('[') + 1, b = s.lastIndexOf(']');
        const at = a + this.int(b - a); text = s.slice(0, at) + INSIDE_ARRAY + s.slice(at); broken = 'garbled'; break;
      }
      case 2:
        feats[k]!.geometry.coordinates = this.pick<unknown>([[1e308, 1e308], [181, 0], [0, 91], ['x', 1], [1], [], null, 5, [NaN, 0], [-1e300, 45]]);
        text = doc(); broken = 'huge or wrong coordinates'; break;
      case 3:
        mapping.codeField = 'code';
        // (an empty code is no code: the importer generates one, so it is not among these)
        feats[k]!.properties.code = this.pick(['250000030050000011', 'abc', '25000003005', '25000001037000001', '9'.repeat(400), 42, ' 1 ']);
        text = doc(); broken = 'wrong component code'; break;
      case 4:
        (feats[k] as { geometry: unknown }).geometry = this.pick<unknown>([null, { type: 'LineString', coordinates: [this.lonLat(), this.lonLat()] }, { type: 'Polygon', coordinates: 7 }]);
        text = doc(); broken = 'wrong geometry'; break;
      default: {
        const bad = this.pick(['wrong CRS', 'unknown CRS', 'unknown class']);
        if (bad === 'wrong CRS') for (const f of feats) f.geometry.coordinates = [78_500 + this.int(1000), 457_900 + this.int(1000)]; // RD New metres, read as WGS84
        else if (bad === 'unknown CRS') mapping.crs = this.pick([99999, 1234, 'EPSG:4']);
        else { delete mapping.class; mapping.classField = 'name'; mapping.classes = {}; }
        text = doc(); broken = bad;
      }
    }
    return this.file('geojson', broken, `f${this.int(1e6)}.geojson`, enc.encode(text), mapping);
  }

  private csv(): ImportMalformed {
    const rows = Array.from({ length: 3 + this.int(10) }, (_, k) => { const [x, y] = this.lonLat(); return [String(x), String(y), `p${k}`, ''] as string[]; });
    let header = ['lon', 'lat', 'name', 'code'];
    const mapping: Record<string, unknown> = { as: 'components', class: '03005', crs: 4326 }; // CSV says no CRS of its own
    const k = this.int(rows.length);
    let tail = '', broken: string;
    switch (this.int(6)) {
      case 0: rows[k]![2] = '"' + rows[k]![2]; broken = 'unclosed quote'; break;
      case 1: tail = rows[k]![0]!.slice(0, this.int(rows[k]![0]!.length)) + ','; rows.splice(k); broken = 'truncated row'; break;
      case 2: rows[k]![this.int(2)] = this.pick(['abc', '1e400', '999', '-1e308', '0x', '∞']); broken = 'huge or wrong coordinate'; break;
      case 3: header = this.pick([['a', 'b', 'name', 'code'], ['lon', 'LAT2', 'name', 'code']]); broken = 'no coordinate columns'; break;
      case 4: mapping.codeField = 'code'; rows[k]![3] = this.pick(['123', '250000030050000011', 'x'.repeat(17), '25000001037000001']); broken = 'wrong component code'; break;
      default: Object.assign(mapping, this.pick([{ xField: 'east' }, { class: '00000' }, { class: undefined }])); broken = 'wrong mapping';
    }
    const text = [header.join(','), ...rows.map((r) => r.join(','))].join(this.pick(['\n', '\r\n'])) + '\n' + tail;
    return this.file('csv', broken, `f${this.int(1e6)}.csv`, enc.encode(text), mapping);
  }

  private cityjson(): ImportMalformed {
    // one box building, 10 m tall, in UTM 50 N (the mapping names the CRS)
    const x0 = 500_000 + this.int(1000), y0 = 3_700_000 + this.int(1000);
    const vertices = [[0, 0, 0], [10, 0, 0], [10, 10, 0], [0, 10, 0], [0, 0, 10], [10, 0, 10], [10, 10, 10], [0, 10, 10]] as unknown[];
    const doc: Record<string, unknown> = {
      type: 'CityJSON', version: '2.0', transform: { scale: [1, 1, 1], translate: [x0, y0, 0] }, vertices,
      CityObjects: { b1: { type: 'Building', geometry: [{ type: 'Solid', lod: '2', boundaries: [[[[0, 3, 2, 1]], [[4, 5, 6, 7]], [[0, 1, 5, 4]], [[1, 2, 6, 5]], [[2, 3, 7, 6]], [[3, 0, 4, 7]]]] }] } },
    };
    const mapping: Record<string, unknown> = { crs: 32650 };
    let text: string, broken: string;
    switch (this.int(5)) {
      case 0: { const s = JSON.stringify(doc); text = s.slice(0, this.int(s.length - 1)); broken = 'truncated'; break; }
      case 1: Object.assign(doc, this.pick([{ version: '3.0' }, { type: 'CityJSONFeature' }, { vertices: 'none' }, { CityObjects: {} }])); text = JSON.stringify(doc); broken = 'wrong header'; break;
      // a ground vertex (0-3: in the footprint) far away
      case 2: vertices[this.int(4)] = this.pick([[1e308, 1e308, 0], [-1e308, 0, 0], [0, 1e300, 0]]); text = JSON.stringify(doc); broken = 'huge vertex'; break;
      case 3: { const b = (doc.CityObjects as Record<string, { geometry: { boundaries: number[][][][] }[] }>).b1!.geometry[0]!.boundaries;
        b[0]![0]![0]![0] = this.pick([8, 1e9, -1]); text = JSON.stringify(doc); broken = 'vertex index outside'; break; }
      default: mapping.crs = 4326; text = JSON.stringify(doc); broken = 'wrong CRS';
    }
    return this.file('cityjson', broken, `f${this.int(1e6)}.city.json`, enc.encode(text), mapping);
  }

  private ascii(): ImportMalformed {
    const cols = 3 + this.int(6), rows = 3 + this.int(6);
    const head: [string, string][] = [['ncols', String(cols)], ['nrows', String(rows)], ['xllcorner', '500000'], ['yllcorner', '3700000'], ['cellsize', '5'], ['NODATA_value', '-9999']];
    const values = Array.from({ length: rows }, () => Array.from({ length: cols }, () => (20 + this.r() * 5).toFixed(2)));
    const mapping: Record<string, unknown> = { crs: 32650 };
    let broken: string;
    switch (this.int(6)) {
      case 0: head[this.int(2)]![1] = this.pick(['-5', '1.5', 'abc', '0', '1e400']); broken = 'bad size'; break;
      case 1: head[0]![1] = this.pick(['100000', '2000000000', '30000']); head[1]![1] = this.pick(['100000', '30000']); broken = 'huge size'; break;
      case 2: head.splice(this.pick([0, 1, 4]), 1); broken = 'missing header'; break;
      case 3: head[4]![1] = this.pick(['0', '-5', 'NaN']); broken = 'bad cell size'; break;
      case 4: if (this.r() < 0.5) values.splice(rows - 1); else values[this.int(rows)]![this.int(cols)] = this.pick(['x', '1e400', '--']); broken = 'values'; break;
      default: {
        const c = this.pick([4326, 99999, 32650]);
        mapping.crs = c; if (c === 32650) head[4]![1] = '0.0001'; // metres that look like degrees
        broken = 'wrong CRS';
      }
    }
    const text = head.map(([k, v]) => `${k} ${v}`).join('\n') + '\n' + values.map((r) => r.join(' ')).join('\n') + '\n';
    return this.file('ascii-grid', broken, `f${this.int(1e6)}.asc`, enc.encode(text), mapping);
  }

  private geotiff(): ImportMalformed {
    const cols = 4 + this.int(5), rows = 4 + this.int(5);
    const data = new Float32Array(cols * rows).map(() => 20 + this.r() * 5);
    const b = new Uint8Array(encodeGeoTiff({ cols, rows, cellSize: 5, xll: 500_000, yll: 3_700_000, data, epsg: 32650 }));
    const dv = new DataView(b.buffer);
    const mapping: Record<string, unknown> = {};
    let bytes = b, broken: string;
    switch (this.int(4)) {
      case 0: bytes = b.slice(0, this.int(b.length - 8)); broken = 'truncated'; break;
      case 1: b[this.int(4)] ^= 0xff; broken = 'garbled header'; break;
      case 2: { // ImageWidth / ImageLength in the first IFD made huge
        const le = b[0] === 0x49; // "II" little-endian, "MM" big-endian
        const ifd = dv.getUint32(4, le), n = dv.getUint16(ifd, le);
        for (let e = 0; e < n; e++) {
          const at = ifd + 2 + 12 * e, tag = dv.getUint16(at, le), type = dv.getUint16(at + 2, le);
          if (tag !== 256 && tag !== 257) continue;
          if (type === 3) dv.setUint16(at + 8, 65_535, le); else dv.setUint32(at + 8, 4_000_000_000, le);
        }
        broken = 'huge size'; break;
      }
      default: mapping.crs = this.pick([4326, 99999]); broken = 'wrong CRS';
    }
    return this.file('geotiff', broken, `f${this.int(1e6)}.tif`, bytes, mapping);
  }

  private file(format: string, broken: string, name: string, bytes: Uint8Array, mapping: Record<string, unknown>): ImportMalformed {
    // the page's path starts a worker thread per job (seconds under load): one file in 20 goes that way
    return { kind: 'file', via: this.int(20) === 0 ? 'http' : 'cli', format, broken, name, bytes, mapping, city: this.targetCity() };
  }

  /** an upload refused by uploadSessionSchema / uploadNameSchema, or over the size cap */
  private upload(): ImportMalformed {
    const bytes = enc.encode('{"type":"FeatureCollection","features":[]}');
    switch (this.int(3)) {
      case 0: return { kind: 'upload', session: this.pick(['', 'short', 'UPPER-CASE-1', '../../etc', 'a'.repeat(65)]), name: 'x.geojson', bytes };
      case 1: return { kind: 'upload', session: 'fuzz-session-0001', name: this.pick(['', '../x.geojson', '/abs.csv', 'a/../b.csv', 'a//b.csv', '..', 'c\\d.tif', 'n'.repeat(301)]), bytes };
      default: return { kind: 'upload', session: 'fuzz-session-0001', name: 'big.tif', bytes, declaredBytes: 101 * 1024 * 1024 + this.int(1e9) };
    }
  }

  /** a job request broken in one field of importJobRequestSchema (or not JSON at all) */
  private job(): ImportMalformed {
    const body: Record<string, unknown> = { session: 'fuzz-session-0001', files: ['a.geojson'], city: 'fuzz-new', commit: true, mapping: {} };
    const fields = Object.keys(importJobRequestSchema.shape);
    const field = this.pick(fields);
    const wrong: Record<string, unknown[]> = {
      city: ['Bad City', '', '../etc', 5], session: ['x', null], files: [[], ['../a'], 'a.geojson', Array.from({ length: 51 }, (_, k) => `${k}.csv`)],
      mapping: [{ 'a.geojson': { class: 'lamp' } }, { '*': { crs: 'EPSG:abc' } }, { '*': { as: 'towers' } }, 7],
      adminCode: ['12', 'abcdef', 1234567], crs: ['EPSG:', 'wgs84', -1], name: ['', 'n'.repeat(201)], replace: ['yes', 1], commit: ['true', 0],
    };
    switch (this.int(10)) {
      case 0: return { kind: 'job', body: JSON.stringify(body).slice(0, this.int(40)) };
      // valid, but naming a file that was never uploaded: the job itself must fail with the reason
      case 1: return { kind: 'job', body: JSON.stringify({ ...body, session: `fuzz-none-${this.int(1e6)}` }) };
      default:
        body[field] = this.pick(wrong[field] ?? [null]);
        if (importJobRequestSchema.safeParse(body).success) body.city = 'Bad City';
        return { kind: 'job', body: JSON.stringify(body) };
    }
  }

  next(): ImportMalformed {
    const k = this.int(20);
    if (k < 2) return this.upload();
    if (k < 4) return this.job();
    return this.pick([() => this.geojson(), () => this.csv(), () => this.cityjson(), () => this.ascii(), () => this.geotiff()])();
  }
}
