// Flood depth classes, one table for the water colour, the legend, impact and the grid colours.
// Thresholds (STANDARDS.md): 15 cm one-lane design limit (GB 51222-2017), 20 cm Beijing yellow
// line (drive with care), 27 cm Beijing red line (road closed). Pure: no imports.

export interface FloodDepthClass {
  key: 'shallow' | 'lane' | 'caution' | 'closed' | 'deep';
  /** lower bound of the class, metres (inclusive) */
  fromM: number;
  color: string;
  zh: string;
  en: string;
}

/**
 * Starting depth (metres) from which a cell is water before the storm (the river, a pond): the
 * impact lists, the closed roads and the grid classes leave such cells out, so a bridge is not
 * "flooded" by the river under it.
 */
export const WATER_AT_START_M = 0.15;

/** Depth below which a cell is drawn dry (metres): a film under 2 cm is not a flood. */
export const FLOOD_DRAW_MIN_M = 0.02;

export const FLOOD_DEPTH_CLASSES: readonly FloodDepthClass[] = [
  { key: 'shallow', fromM: FLOOD_DRAW_MIN_M, color: '#8fd3ff', zh: '积水 < 15 厘米', en: 'Water < 15 cm' },
  { key: 'lane', fromM: 0.15, color: '#3b8cff', zh: '≥ 15 厘米 单车道限值', en: '≥ 15 cm lane limit' },
  { key: 'caution', fromM: 0.2, color: '#f2c230', zh: '≥ 20 厘米 谨慎通行', en: '≥ 20 cm drive with care' },
  { key: 'closed', fromM: 0.27, color: '#ff4b3e', zh: '≥ 27 厘米 封路', en: '≥ 27 cm road closed' },
  { key: 'deep', fromM: 0.5, color: '#9b1c5a', zh: '≥ 50 厘米 深水', en: '≥ 50 cm deep water' },
];

/** Index into FLOOD_DEPTH_CLASSES for a depth in metres, or -1 when drawn dry. */
export function floodClassOf(depthM: number): number {
  if (!(depthM >= FLOOD_DRAW_MIN_M)) return -1;
  let k = 0;
  while (k + 1 < FLOOD_DEPTH_CLASSES.length && depthM >= FLOOD_DEPTH_CLASSES[k + 1]!.fromM) k++;
  return k;
}
