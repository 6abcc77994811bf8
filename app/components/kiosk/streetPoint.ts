import type { TwinEngine } from '../../../scene/TwinEngine';

/**
 * Where the "flood my street" figure stands for a tap: the tapped ground, or, when the tap hit a
 * roof, the nearest open ground around it (rings of 2 m out to 40 m), inside the city.
 */
export function streetPoint(engine: TwinEngine, hit: { x: number; y: number }): { x: number; y: number } {
  const [x0, y0, x1, y1] = engine.info.extent;
  const inCity = (x: number, y: number) => x > x0 && x < x1 && y > y0 && y < y1;
  const open = (x: number, y: number) => inCity(x, y) && !engine.cameraHost.insideBuilding(x, y, engine.groundZ(x, y) + 1);
  if (open(hit.x, hit.y)) return { x: hit.x, y: hit.y };
  for (let r = 2; r <= 40; r += 2) {
    for (let k = 0; k < 16; k++) {
      const a = (k * Math.PI) / 8, x = hit.x + r * Math.cos(a), y = hit.y + r * Math.sin(a);
      if (open(x, y)) return { x, y };
    }
  }
  return { x: Math.min(x1, Math.max(x0, hit.x)), y: Math.min(y1, Math.max(y0, hit.y)) };
}
