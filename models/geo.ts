// WGS84 geodesy: geodetic <-> ECEF <-> local East-North-Up. Pure math, SI units, angles in
// degrees only where the name says so.
const A = 6378137.0; // WGS84 semi-major axis, m
const F = 1 / 298.257223563;
const E2 = F * (2 - F);
const DEG = Math.PI / 180;

export interface Geodetic { lonDeg: number; latDeg: number; heightM: number }
export type Vec3 = [number, number, number];

export function geodeticToEcef({ lonDeg, latDeg, heightM }: Geodetic): Vec3 {
  const lon = lonDeg * DEG, lat = latDeg * DEG;
  const s = Math.sin(lat), c = Math.cos(lat);
  const n = A / Math.sqrt(1 - E2 * s * s);
  return [(n + heightM) * c * Math.cos(lon), (n + heightM) * c * Math.sin(lon), (n * (1 - E2) + heightM) * s];
}

/** Bowring's iteration; converges to sub-millimetre in a few steps for terrestrial points. */
export function ecefToGeodetic([x, y, z]: Vec3): Geodetic {
  const lon = Math.atan2(y, x);
  const p = Math.hypot(x, y);
  let lat = Math.atan2(z, p * (1 - E2));
  let h = 0;
  for (let i = 0; i < 6; i++) {
    const s = Math.sin(lat);
    const n = A / Math.sqrt(1 - E2 * s * s);
    h = p / Math.cos(lat) - n;
    lat = Math.atan2(z, p * (1 - (E2 * n) / (n + h)));
  }
  return { lonDeg: lon / DEG, latDeg: lat / DEG, heightM: h };
}

/** Rotation rows of the ENU frame at an origin: e, n, u unit vectors in ECEF. */
export function enuBasis(origin: Geodetic): { e: Vec3; n: Vec3; u: Vec3 } {
  const lon = origin.lonDeg * DEG, lat = origin.latDeg * DEG;
  const sl = Math.sin(lon), cl = Math.cos(lon), sp = Math.sin(lat), cp = Math.cos(lat);
  return { e: [-sl, cl, 0], n: [-sp * cl, -sp * sl, cp], u: [cp * cl, cp * sl, sp] };
}

export function ecefToEnu(p: Vec3, origin: Geodetic): Vec3 {
  const o = geodeticToEcef(origin);
  const { e, n, u } = enuBasis(origin);
  const d: Vec3 = [p[0] - o[0], p[1] - o[1], p[2] - o[2]];
  return [dot(e, d), dot(n, d), dot(u, d)];
}

export function enuToEcef([x, y, z]: Vec3, origin: Geodetic): Vec3 {
  const o = geodeticToEcef(origin);
  const { e, n, u } = enuBasis(origin);
  return [o[0] + x * e[0] + y * n[0] + z * u[0], o[1] + x * e[1] + y * n[1] + z * u[1], o[2] + x * e[2] + y * n[2] + z * u[2]];
}

export const geodeticToEnu = (g: Geodetic, origin: Geodetic) => ecefToEnu(geodeticToEcef(g), origin);
export const enuToGeodetic = (p: Vec3, origin: Geodetic) => ecefToGeodetic(enuToEcef(p, origin));

function dot(a: Vec3, b: Vec3) {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}
