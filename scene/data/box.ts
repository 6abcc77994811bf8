/** A texture box over the city in local metres, and the size of the rasters painted over it. */
export interface GroundBox {
  xmin: number;
  ymin: number;
  xmax: number;
  ymax: number;
  /** raster size, pixels; row 0 is the south edge (v = 0 in the shader) */
  width: number;
  height: number;
}

export function groundBox(xmin: number, ymin: number, xmax: number, ymax: number, maxPx = 2048, maxMPerPx = 0.5): GroundBox {
  const w = xmax - xmin, h = ymax - ymin;
  const mPerPx = Math.max(maxMPerPx, Math.max(w, h) / maxPx);
  return { xmin, ymin, xmax, ymax, width: Math.max(1, Math.round(w / mPerPx)), height: Math.max(1, Math.round(h / mPerPx)) };
}
