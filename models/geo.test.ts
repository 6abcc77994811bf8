import { describe, expect, it } from 'vitest';
import { ecefToGeodetic, enuToGeodetic, geodeticToEcef, geodeticToEnu } from './geo';

const origin = { lonDeg: 120.09, latDeg: 30.87, heightM: 0 };

describe('geodesy', () => {
  it('geodetic -> ECEF -> geodetic round trips to sub-millimetre', () => {
    for (const g of [origin, { lonDeg: -70.5, latDeg: -33.4, heightM: 520 }, { lonDeg: 0, latDeg: 89.9, heightM: 10 }]) {
      const back = ecefToGeodetic(geodeticToEcef(g));
      expect(back.lonDeg).toBeCloseTo(g.lonDeg, 9);
      expect(back.latDeg).toBeCloseTo(g.latDeg, 9);
      expect(back.heightM).toBeCloseTo(g.heightM, 3);
    }
  });
  it('the equator at lon 0 is at (a, 0, 0)', () => {
    const [x, y, z] = geodeticToEcef({ lonDeg: 0, latDeg: 0, heightM: 0 });
    expect(x).toBeCloseTo(6378137, 6);
    expect(y).toBeCloseTo(0, 6);
    expect(z).toBeCloseTo(0, 6);
  });
  it('ENU: 1 km east and north of the origin, and back', () => {
    const p = enuToGeodetic([1000, 1000, 5], origin);
    expect(p.lonDeg).toBeGreaterThan(origin.lonDeg);
    expect(p.latDeg).toBeGreaterThan(origin.latDeg);
    // 1000 m north is about 0.00902 degrees of latitude at 30.87 N
    expect(p.latDeg - origin.latDeg).toBeCloseTo(0.00902, 4);
    const [e, n, u] = geodeticToEnu(p, origin);
    expect(e).toBeCloseTo(1000, 4);
    expect(n).toBeCloseTo(1000, 4);
    expect(u).toBeCloseTo(5, 4);
  });
});
