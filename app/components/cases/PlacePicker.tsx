'use client';
import type { MouseEvent } from 'react';
import { enuToGeodetic, geodeticToEnu } from '../../../models/geo';
import { CityThumb, thumbProjection } from '../CityThumb';

type City = { slug: string; extent: [number, number, number, number]; originLonDeg: number; originLatDeg: number; originHeightM: number };
const W = 320, H = 240;

/**
 * The phone page's "tap on the map": the city drawn flat from its own layers (CityThumb: grids,
 * water, streets, buildings, north up); a tap sets the report's place, a pin shows it. Light
 * enough for a phone, unlike the 3D twin.
 */
export function PlacePicker({ city, lonDeg, latDeg, label, onPick }: { city: City; lonDeg: number; latDeg: number; label: string; onPick: (lonDeg: number, latDeg: number) => void }) {
  const origin = { lonDeg: city.originLonDeg, latDeg: city.originLatDeg, heightM: city.originHeightM };
  const proj = thumbProjection(city.extent, W, H);
  const tap = (e: MouseEvent<HTMLDivElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    // the canvas may be drawn smaller than W x H on a narrow screen
    const [x, y] = proj.toLocal((e.clientX - box.left) * (W / box.width), (e.clientY - box.top) * (H / box.height));
    const g = enuToGeodetic([x, y, 0], origin);
    onPick(g.lonDeg, g.latDeg);
  };
  let pin: [number, number] | null = null;
  if (Number.isFinite(lonDeg) && Number.isFinite(latDeg)) {
    const [x, y] = geodeticToEnu({ lonDeg, latDeg, heightM: origin.heightM }, origin);
    const [px, py] = proj.toPx(x, y);
    if (px >= 0 && px <= W && py >= 0 && py <= H) pin = [px, py];
  }
  return (
    <div className="place-picker" onClick={tap} data-testid="report-map" style={{ aspectRatio: `${W} / ${H}` }}>
      <CityThumb slug={city.slug} extent={city.extent} label={label} width={W} height={H} />
      {pin && <span className="place-pin" data-testid="report-map-pin" style={{ left: `${(pin[0] / W) * 100}%`, top: `${(pin[1] / H) * 100}%` }} />}
    </div>
  );
}
