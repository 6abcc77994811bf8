import { z } from 'zod';

// Major classes, GB/T 47678.5.
export const MAJOR_CLASSES = {
  '01': { zh: '市政公用设施', en: 'Municipal utilities' },
  '02': { zh: '交通设施', en: 'Traffic facilities' },
  '03': { zh: '市容环卫设施', en: 'Sanitation and streetscape' },
  '04': { zh: '园林绿化设施', en: 'Greening facilities' },
  '05': { zh: '其他管理部件', en: 'Other managed components' },
} as const;

/** The 3D shape a class is drawn with; one instanced mesh (one draw call) per shape. */
export type ComponentShape =
  | 'cover' | 'grate' | 'hydrant' | 'light' | 'gauge' | 'charger' | 'busStop' | 'bin' | 'billboard' | 'signboard' | 'tree';

export interface ComponentClass {
  /** index used in binary layers (Uint8) */
  index: number;
  /** 5-digit class code: major(2) + minor(3), GB/T 47678.5 */
  code: string;
  zh: string;
  en: string;
  shape: ComponentShape;
  /** a class that reports a live value (fill fraction, water depth, on/off) */
  telemetry: 'none' | 'light' | 'fill' | 'level' | 'power';
}

// Minor classes from GB/T 47678.5 used by the twin. The index is the binary layer's class id:
// append only, never reorder (stored layers and clients depend on it).
export const COMPONENT_CLASSES: readonly ComponentClass[] = [
  { index: 0, code: '01001', zh: '供水井盖', en: 'Water-supply manhole cover', shape: 'cover', telemetry: 'none' },
  { index: 1, code: '01002', zh: '污水井盖', en: 'Sewage manhole cover', shape: 'cover', telemetry: 'none' },
  { index: 2, code: '01003', zh: '雨水井盖', en: 'Storm-water manhole cover', shape: 'cover', telemetry: 'none' },
  { index: 3, code: '01004', zh: '雨水箅子', en: 'Storm-drain grate', shape: 'grate', telemetry: 'none' },
  { index: 4, code: '01013', zh: '消防设施', en: 'Fire hydrant', shape: 'hydrant', telemetry: 'none' },
  { index: 5, code: '01037', zh: '路灯', en: 'Street light', shape: 'light', telemetry: 'light' },
  { index: 6, code: '01054', zh: '充电桩', en: 'EV charger', shape: 'charger', telemetry: 'power' },
  { index: 7, code: '01067', zh: '防汛监测设施', en: 'Water-level gauge', shape: 'gauge', telemetry: 'level' },
  { index: 8, code: '02004', zh: '公交站设施', en: 'Bus stop', shape: 'busStop', telemetry: 'none' },
  { index: 9, code: '03005', zh: '垃圾箱', en: 'Litter bin', shape: 'bin', telemetry: 'fill' },
  { index: 10, code: '03006', zh: '户外广告', en: 'Outdoor advertising', shape: 'billboard', telemetry: 'none' },
  { index: 11, code: '03007', zh: '牌匾标识', en: 'Signboard', shape: 'signboard', telemetry: 'none' },
  { index: 12, code: '04002', zh: '行道树', en: 'Street tree', shape: 'tree', telemetry: 'none' },
];

export const CLASS_BY_CODE: ReadonlyMap<string, ComponentClass> = new Map(COMPONENT_CLASSES.map((c) => [c.code, c]));

export const componentClassCodeSchema = z
  .string()
  .refine((c) => CLASS_BY_CODE.has(c), { message: `unknown component class; known: ${COMPONENT_CLASSES.map((c) => c.code).join(', ')}` });

/**
 * Live state of a component, one byte in every binary layer and frame. The first five mirror
 * the standard's physical states (完好 破损 丢失 废弃 移除); the rest are operational states that a
 * sensor or the simulator reports. Append only.
 */
export const COMPONENT_STATES = [
  { code: 0, key: 'intact', zh: '完好', en: 'Intact', color: '#3fb37f' },
  { code: 1, key: 'damaged', zh: '破损', en: 'Damaged', color: '#e8590c' },
  { code: 2, key: 'missing', zh: '丢失', en: 'Missing', color: '#c92a2a' },
  { code: 3, key: 'abandoned', zh: '废弃', en: 'Abandoned', color: '#868e96' },
  { code: 4, key: 'removed', zh: '移除', en: 'Removed', color: '#495057' },
  { code: 5, key: 'active', zh: '运行中', en: 'Active', color: '#ffd43b' },
  { code: 6, key: 'warning', zh: '预警', en: 'Warning', color: '#fab005' },
  { code: 7, key: 'alarm', zh: '告警', en: 'Alarm', color: '#f03e3e' },
  { code: 8, key: 'offline', zh: '离线', en: 'Offline', color: '#7048e8' },
] as const;

export type ComponentStateKey = (typeof COMPONENT_STATES)[number]['key'];
export const STATE_KEYS = COMPONENT_STATES.map((s) => s.key) as [ComponentStateKey, ...ComponentStateKey[]];
export const componentStateSchema = z.enum(STATE_KEYS);
export const STATE_CODE: Record<ComponentStateKey, number> = Object.fromEntries(
  COMPONENT_STATES.map((s) => [s.key, s.code]),
) as Record<ComponentStateKey, number>;
export const stateKeyOf = (code: number): ComponentStateKey => COMPONENT_STATES[code]?.key ?? 'intact';

/**
 * How often a reporting class reports, seconds (heartbeat even without change). A component
 * silent for STALE_AFTER_REPORTS of its intervals is stale: shown faded, counted apart.
 */
export const REPORT_EVERY_S: Record<ComponentClass['telemetry'], number> = { none: 0, light: 300, power: 300, level: 60, fill: 600 };
export const STALE_AFTER_REPORTS = 3;

/** ms of silence after which a component of the class is stale; 0 = never (it does not report). */
export function staleAfterMs(classIndex: number): number {
  const t = COMPONENT_CLASSES[classIndex]?.telemetry ?? 'none';
  return REPORT_EVERY_S[t] * STALE_AFTER_REPORTS * 1000;
}
