// The unit grid (单元网格) a reported place lies in, for reports that give a location and no
// component: the grid whose ring contains the point (grids do not overlap; none outside them).
import type { CityData } from '../../models/city';
import { geodeticToEnu } from '../../models/geo';
import { pointInRing } from '../city/geometry';

export function unitGridAt(city: Pick<CityData, 'meta' | 'unitGrids'>, lonDeg: number, latDeg: number): string | null {
  const origin = { lonDeg: city.meta.originLonDeg, latDeg: city.meta.originLatDeg, heightM: city.meta.originHeightM };
  const [x, y] = geodeticToEnu({ lonDeg, latDeg, heightM: origin.heightM }, origin);
  return city.unitGrids.find((g) => pointInRing(x, y, g.ring))?.code ?? null;
}
