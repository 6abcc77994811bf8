// Coordinate systems for the importer: proj4 with the definitions bundled here (nothing is looked
// up at run time). Every source coordinate goes to WGS84 lon/lat, then to the city's local ENU frame.
import proj4 from 'proj4';

const GRS80_TM = (lon0: number, x0: number) => `+proj=tmerc +lat_0=0 +lon_0=${lon0} +k=1 +x_0=${x0} +y_0=0 +ellps=GRS80 +units=m +no_defs`;

/** EPSG code -> proj4 definition (from epsg.io's proj4 exports), for the systems city data comes in. */
function definitions(): Map<number, string> {
  const d = new Map<number, string>();
  d.set(4326, '+proj=longlat +datum=WGS84 +no_defs');
  d.set(4490, '+proj=longlat +ellps=GRS80 +no_defs'); // CGCS2000 (geographic); within ~0.1 m of WGS84
  d.set(4214, '+proj=longlat +ellps=krass +towgs84=15.8,-154.4,-82.3,0,0,0,0 +no_defs'); // Beijing 1954
  d.set(4610, '+proj=longlat +a=6378140 +rf=298.257 +no_defs'); // Xian 1980
  // CGCS2000 Gauss-Krüger: 6-degree zones 13-23 (4491-4501, zone prefix), CM 75-135 E (4502-4512);
  // 3-degree zones 25-45 (4513-4533, zone prefix), CM 75-135 E (4534-4554)
  for (let z = 13; z <= 23; z++) d.set(4491 + z - 13, GRS80_TM(6 * z - 3, z * 1e6 + 500000));
  for (let k = 0; k <= 10; k++) d.set(4502 + k, GRS80_TM(75 + 6 * k, 500000));
  for (let z = 25; z <= 45; z++) d.set(4513 + z - 25, GRS80_TM(3 * z, z * 1e6 + 500000));
  for (let k = 0; k <= 20; k++) d.set(4534 + k, GRS80_TM(75 + 3 * k, 500000));
  // WGS84 / UTM north 32601-32660 and south 32701-32760
  for (let z = 1; z <= 60; z++) {
    d.set(32600 + z, `+proj=utm +zone=${z} +datum=WGS84 +units=m +no_defs`);
    d.set(32700 + z, `+proj=utm +zone=${z} +south +datum=WGS84 +units=m +no_defs`);
  }
  // GDA94 / MGA zones 49-56 (Australia), NAD83 / UTM 10-19 N (North America)
  for (let z = 49; z <= 56; z++) d.set(28300 + z, `+proj=utm +zone=${z} +south +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs`);
  for (let z = 10; z <= 19; z++) d.set(26900 + z, `+proj=utm +zone=${z} +datum=NAD83 +units=m +no_defs`);
  d.set(3857, '+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +wktext +no_defs');
  // Amersfoort / RD New; 7415 is RD New + NAP height (the same plane coordinates)
  const rd = '+proj=sterea +lat_0=52.1561605555556 +lon_0=5.38763888888889 +k=0.9999079 +x_0=155000 +y_0=463000 +ellps=bessel +towgs84=565.417,50.3319,465.552,-0.398957,0.343988,-1.8774,4.0725 +units=m +no_defs';
  d.set(28992, rd);
  d.set(7415, rd);
  d.set(3979, '+proj=lcc +lat_0=49 +lon_0=-95 +lat_1=49 +lat_2=77 +x_0=0 +y_0=0 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs'); // NAD83(CSRS) / Canada Atlas Lambert
  d.set(2249, '+proj=lcc +lat_0=41 +lon_0=-71.5 +lat_1=42.6833333333333 +lat_2=41.7166666666667 +x_0=200000.0001016 +y_0=750000 +datum=NAD83 +units=us-ft +no_defs'); // NAD83 / Massachusetts Mainland (ftUS)
  d.set(27700, '+proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000 +ellps=airy +towgs84=446.448,-125.157,542.06,0.15,0.247,0.842,-20.489 +units=m +no_defs'); // OSGB36 / British National Grid
  d.set(25832, '+proj=utm +zone=32 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs'); // ETRS89 / UTM 32N
  d.set(25833, '+proj=utm +zone=33 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs');
  return d;
}

export const CRS_DEFS: ReadonlyMap<number, string> = definitions();
const GEOGRAPHIC = new Set([4326, 4490, 4214, 4610]);

export const isGeographic = (epsg: number) => GEOGRAPHIC.has(epsg);

export interface Transform {
  epsg: number;
  /** source x,y -> [lonDeg, latDeg] */
  toLonLat(x: number, y: number): [number, number];
  /** [lonDeg, latDeg] -> source x,y */
  fromLonLat(lon: number, lat: number): [number, number];
}

const cache = new Map<number, Transform>();

/** The transform for an EPSG code; throws a clear error for a code not bundled. */
export function crsTransform(epsg: number): Transform {
  let t = cache.get(epsg);
  if (t) return t;
  const def = CRS_DEFS.get(epsg);
  if (!def) throw new Error(`EPSG:${epsg} is not among the bundled coordinate systems (WGS84, CGCS2000 and its Gauss-Krüger zones 4491-4554, UTM, RD New 28992/7415, NAD83 3979, ...)`);
  if (epsg === 4326) {
    t = { epsg, toLonLat: (x, y) => [x, y], fromLonLat: (lon, lat) => [lon, lat] };
  } else {
    const p = proj4(def, CRS_DEFS.get(4326)!);
    t = { epsg, toLonLat: (x, y) => p.forward([x, y]) as [number, number], fromLonLat: (lon, lat) => p.inverse([lon, lat]) as [number, number] };
  }
  cache.set(epsg, t);
  return t;
}

/** EPSG code from a CRS name: "EPSG:7415", "urn:ogc:def:crs:EPSG::7415", ".../EPSG/0/7415", "CRS84". */
export function epsgFromName(name: string): number | null {
  if (/CRS84$/i.test(name)) return 4326;
  const m = /EPSG(?::+|\/0\/|\/)(\d{4,5})\b/i.exec(name);
  return m ? Number(m[1]) : null;
}

/** EPSG code from a .prj beside a raster: ESRI WKT (AUTHORITY or a UTM name) or the old ArcInfo text. */
export function epsgFromPrj(text: string): number | null {
  const auth = /AUTHORITY\["EPSG",\s*"?(\d{4,5})"?\]\s*\]\s*$/i.exec(text.trim());
  if (auth) return Number(auth[1]);
  const wktUtm = /UTM[_ ]zone[_ ](\d{1,2})([NS])/i.exec(text);
  if (wktUtm && /WGS[_ ]?(19)?84/i.test(text)) return (wktUtm[2]!.toUpperCase() === 'S' ? 32700 : 32600) + Number(wktUtm[1]);
  // ArcInfo: "Projection UTM / Zone 56 / Datum WGS84 / Yshift 10000000" (a false northing = south)
  const proj = /Projection\s+(\w+)/i.exec(text)?.[1];
  const zone = /Zone\s+(-?\d+)/i.exec(text)?.[1];
  const datum = /Datum\s+(\w+)/i.exec(text)?.[1];
  if (proj?.toUpperCase() === 'UTM' && zone && datum?.toUpperCase() === 'WGS84') {
    const z = Math.abs(Number(zone));
    const south = Number(zone) < 0 || /Yshift\s+10000000/i.test(text);
    return (south ? 32700 : 32600) + z;
  }
  if (proj?.toUpperCase() === 'GEOGRAPHIC' && datum?.toUpperCase() === 'WGS84') return 4326;
  return null;
}

// GCJ-02 ("Mars coordinates"), the offset Chinese web maps publish: its well-known public
// forward formula, inverted by fixed-point iteration (about 1e-7 degrees after a few steps).
const GCJ_A = 6378245.0, GCJ_EE = 0.00669342162296594323;
function gcjDelta(lon: number, lat: number): [number, number] {
  const x = lon - 105, y = lat - 35;
  let dLat = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  dLat += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  dLat += ((20 * Math.sin(y * Math.PI) + 40 * Math.sin((y / 3) * Math.PI)) * 2) / 3;
  dLat += ((160 * Math.sin((y / 12) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30)) * 2) / 3;
  let dLon = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  dLon += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  dLon += ((20 * Math.sin(x * Math.PI) + 40 * Math.sin((x / 3) * Math.PI)) * 2) / 3;
  dLon += ((150 * Math.sin((x / 12) * Math.PI) + 300 * Math.sin((x / 30) * Math.PI)) * 2) / 3;
  const radLat = (lat / 180) * Math.PI;
  let magic = Math.sin(radLat);
  magic = 1 - GCJ_EE * magic * magic;
  const sq = Math.sqrt(magic);
  dLat = (dLat * 180) / (((GCJ_A * (1 - GCJ_EE)) / (magic * sq)) * Math.PI);
  dLon = (dLon * 180) / ((GCJ_A / sq) * Math.cos(radLat) * Math.PI);
  return [dLon, dLat];
}
export function wgs84ToGcj02(lon: number, lat: number): [number, number] {
  const [a, b] = gcjDelta(lon, lat);
  return [lon + a, lat + b];
}
export function gcj02ToWgs84(lon: number, lat: number): [number, number] {
  let wl = lon, wt = lat;
  for (let i = 0; i < 6; i++) {
    const [gl, gt] = wgs84ToGcj02(wl, wt);
    wl -= gl - lon; wt -= gt - lat;
  }
  return [wl, wt];
}
