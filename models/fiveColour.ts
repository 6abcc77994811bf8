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
 * Risk index of a unit grid from its components' states: faults weigh by severity per 100
 * components, so a grid's colour means the same whatever its size. Weights and bands are ours
 * (the standard fixes the colours, not the index): an alarm (water, overflow) counts most,
 * a missing cover next (a hole in the street), then damage and silence.
 */
export const STATE_RISK_WEIGHT: readonly number[] = [0, 2, 4, 0, 0, 0, 0.5, 6, 1];

export function gridRiskIndex(countsByState: ArrayLike<number>): number {
  let total = 0;
  let weighted = 0;
  for (let s = 0; s < STATE_COUNT; s++) {
    const n = countsByState[s] ?? 0;
    total += n;
    weighted += n * (STATE_RISK_WEIGHT[s] ?? 0);
  }
  if (total === 0) return 0;
  return (100 * weighted) / total;
}

const BANDS = [1, 3, 6, 10]; // index thresholds between levels

export function riskLevel(index: number): number {
  let level = 0;
  while (level < BANDS.length && index >= BANDS[level]!) level++;
  return level;
}
