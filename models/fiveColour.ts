import { COMPONENT_STATES } from './components';

// Five-colour map (五色图, Zhejiang 2020): red high, orange elevated, yellow medium, blue lower,
// green low. Level 0 = low (green) ... 4 = high (red).
export const FIVE_COLOURS = [
  { level: 0, key: 'low', zh: '低风险', en: 'Low', color: '#2f9e44' },
  { level: 1, key: 'lower', zh: '较低风险', en: 'Lower', color: '#1c7ed6' },
  { level: 2, key: 'medium', zh: '中风险', en: 'Medium', color: '#fcc419' },
  { level: 3, key: 'elevated', zh: '较高风险', en: 'Elevated', color: '#f76707' },
  { level: 4, key: 'high', zh: '高风险', en: 'High', color: '#e03131' },
] as const;

export const STATE_COUNT = COMPONENT_STATES.length;

/**
 * Risk index of a unit grid: severity points of its open problems. The standard fixes the
 * colours, not the index; ours counts what a duty officer has to act on in the grid: an alarm
 * (water over 27 cm, a bin overflowing) weighs most, a missing cover next (a hole in the
 * street), then damage, a warning, and a silent sensor. Absolute, not per component: one
 * missing cover is as urgent in a grid of 20 components as in one of 80.
 */
// by state code: intact, damaged, missing, abandoned, removed, active, warning, alarm, offline
export const STATE_RISK_WEIGHT: readonly number[] = [0, 1, 3, 0, 0, 0, 1, 4, 0.5];

export function gridRiskIndex(countsByState: ArrayLike<number>): number {
  let points = 0;
  for (let s = 0; s < STATE_COUNT; s++) points += (countsByState[s] ?? 0) * (STATE_RISK_WEIGHT[s] ?? 0);
  return points;
}

/** Points at which a grid turns blue, yellow, orange, red. */
export const RISK_BANDS: readonly number[] = [1, 3, 6, 10];

export function riskLevel(index: number): number {
  let level = 0;
  while (level < RISK_BANDS.length && index >= RISK_BANDS[level]!) level++;
  return level;
}

/**
 * Level of a unit grid's roll-up row: counts by state code, then the stale count (models/live.ts
 * ROLLUP_COLUMNS). A stale sensor weighs as an offline one: nobody knows what it would say.
 */
export function rollupLevel(row: ArrayLike<number>): number {
  const offline = STATE_RISK_WEIGHT[COMPONENT_STATES.findIndex((s) => s.key === 'offline')] ?? 0;
  return riskLevel(gridRiskIndex(row) + offline * (row[STATE_COUNT] ?? 0));
}
