// The case closed loop (案件处置闭环, STANDARDS.md): states, the steps between them, who may
// take each step and from where, case numbers and per-step time limits. Pure: zod only.
import { z } from 'zod';
import type { Role } from './accounts';
import type { TimeLimit } from './workCalendar';

/**
 * report 信息收集 -> verify 核实 -> file 立案 -> dispatch 派遣 -> handle 处置 -> report back 反馈
 * -> check 核查 -> close 结案 -> evaluate 评价; side paths park 挂账 (needs approval), extension
 * 延时, return 回退 (to the dispatcher), void 作废, self-handled 自处理.
 */
export const CASE_STATES = [
  'reported', 'verified', 'filed', 'dispatched', 'handling', 'reportedBack', 'checked', 'closed', 'evaluated',
  'returned', 'parkRequested', 'parked', 'selfHandled', 'voided',
] as const;
export const caseStateSchema = z.enum(CASE_STATES);
export type CaseState = z.infer<typeof caseStateSchema>;

export const CASE_STATE_NAMES: Record<CaseState, { zh: string; en: string }> = {
  reported: { zh: '已上报', en: 'Reported' },
  verified: { zh: '已核实', en: 'Verified' },
  filed: { zh: '已立案', en: 'Filed' },
  dispatched: { zh: '已派遣', en: 'Dispatched' },
  handling: { zh: '处置中', en: 'Being handled' },
  reportedBack: { zh: '已反馈', en: 'Reported back' },
  checked: { zh: '已核查', en: 'Checked' },
  closed: { zh: '已结案', en: 'Closed' },
  evaluated: { zh: '已评价', en: 'Evaluated' },
  returned: { zh: '已回退', en: 'Returned to dispatch' },
  parkRequested: { zh: '申请挂账', en: 'Parking requested' },
  parked: { zh: '已挂账', en: 'Parked' },
  selfHandled: { zh: '自处理', en: 'Handled on the spot' },
  voided: { zh: '已作废', en: 'Void' },
};

export const CASE_ACTIONS = [
  'verify', 'file', 'dispatch', 'handle', 'reportBack', 'checkPass', 'checkFail', 'close', 'evaluate',
  'return', 'requestPark', 'approvePark', 'rejectPark', 'resume', 'requestExtension', 'grantExtension', 'void', 'selfHandle',
] as const;
export const caseActionSchema = z.enum(CASE_ACTIONS);
export type CaseAction = z.infer<typeof caseActionSchema>;

interface Step {
  from: readonly CaseState[];
  /** the state after the step; 'same' keeps it (an extension changes the limit, not the state) */
  to: CaseState | 'same';
  roles: readonly Role[];
  zh: string;
  en: string;
}

/** Who takes which step from which states. The only place this is decided (UI and server read it). */
export const CASE_STEPS: Record<CaseAction, Step> = {
  verify: { from: ['reported'], to: 'verified', roles: ['inspector', 'intake'], zh: '核实', en: 'Verify' },
  file: { from: ['verified'], to: 'filed', roles: ['intake', 'shift_lead'], zh: '立案', en: 'File' },
  dispatch: { from: ['filed', 'returned'], to: 'dispatched', roles: ['dispatcher'], zh: '派遣', en: 'Dispatch' },
  handle: { from: ['dispatched'], to: 'handling', roles: ['department'], zh: '处置', en: 'Start handling' },
  reportBack: { from: ['handling'], to: 'reportedBack', roles: ['department'], zh: '反馈', en: 'Report back' },
  checkPass: { from: ['reportedBack'], to: 'checked', roles: ['inspector'], zh: '核查通过', en: 'Check: done' },
  // rework: the department handles it again (counted in the rework rate)
  checkFail: { from: ['reportedBack'], to: 'dispatched', roles: ['inspector'], zh: '核查未通过', en: 'Check: not done' },
  close: { from: ['checked', 'selfHandled'], to: 'closed', roles: ['shift_lead'], zh: '结案', en: 'Close' },
  evaluate: { from: ['closed'], to: 'evaluated', roles: ['shift_lead'], zh: '评价', en: 'Evaluate' },
  return: { from: ['dispatched'], to: 'returned', roles: ['department'], zh: '回退', en: 'Return to dispatcher' },
  requestPark: { from: ['dispatched', 'handling'], to: 'parkRequested', roles: ['department'], zh: '申请挂账', en: 'Request parking' },
  approvePark: { from: ['parkRequested'], to: 'parked', roles: ['shift_lead'], zh: '批准挂账', en: 'Approve parking' },
  rejectPark: { from: ['parkRequested'], to: 'handling', roles: ['shift_lead'], zh: '驳回挂账', en: 'Refuse parking' },
  resume: { from: ['parked'], to: 'handling', roles: ['shift_lead'], zh: '恢复处置', en: 'Resume' },
  requestExtension: { from: ['dispatched', 'handling'], to: 'same', roles: ['department'], zh: '申请延时', en: 'Request extension' },
  grantExtension: { from: ['dispatched', 'handling'], to: 'same', roles: ['shift_lead'], zh: '批准延时', en: 'Grant extension' },
  void: { from: ['reported', 'verified', 'filed'], to: 'voided', roles: ['intake', 'shift_lead'], zh: '作废', en: 'Void' },
  selfHandle: { from: ['reported'], to: 'selfHandled', roles: ['inspector'], zh: '自处理', en: 'Handled on the spot' },
};

/** Who reads the indicators (and their CSV): the centre's desk, not the departments. */
export const INDICATOR_ROLES: readonly Role[] = ['administrator', 'intake', 'dispatcher', 'shift_lead'];
/** Who opens a case by hand (sensors and Open311 open theirs through the server). */
export const REPORT_ROLES: readonly Role[] = ['inspector', 'intake'];
/** Who reads cases at all (cases are never public; a department handler sees its own department's). */
export const CASE_READ_ROLES: readonly Role[] = ['administrator', 'intake', 'dispatcher', 'shift_lead', 'department', 'inspector'];
/** Every role that takes some step of the loop (the pure caseTransition decides which). */
export const CASE_STEP_ROLES: readonly Role[] = ['intake', 'dispatcher', 'shift_lead', 'department', 'inspector'];

export type StepResult =
  | { ok: true; to: CaseState }
  | { ok: false; reason: string };

/**
 * Whether `role` may take `action` on a case in `state`; the reason when not. A department
 * handler acts only on cases dispatched to its own department.
 */
export function caseTransition(
  state: CaseState, action: CaseAction, actor: { role: Role; department?: string | null }, caseDepartment?: string | null,
): StepResult {
  const step = CASE_STEPS[action];
  if (!step.roles.includes(actor.role)) return { ok: false, reason: `"${action}" is for ${step.roles.join(' or ')}, not ${actor.role}` };
  if (!step.from.includes(state)) return { ok: false, reason: `"${action}" is taken from ${step.from.join(' or ')}; this case is ${state}` };
  if (actor.role === 'department' && caseDepartment !== undefined && caseDepartment !== actor.department) {
    return { ok: false, reason: `this case is with ${caseDepartment ?? 'no department'}, not ${actor.department ?? 'yours'}` };
  }
  return { ok: true, to: step.to === 'same' ? state : step.to };
}

/** The steps a role may take on a case in this state (the UI's buttons). */
export function availableActions(state: CaseState, role: Role): CaseAction[] {
  return CASE_ACTIONS.filter((a) => CASE_STEPS[a].from.includes(state) && CASE_STEPS[a].roles.includes(role));
}

export const OPEN_STATES: readonly CaseState[] = CASE_STATES.filter((s) => !['closed', 'evaluated', 'voided'].includes(s));

/**
 * Case number (STANDARDS.md): C (component) or E (event) + class code + YYYYMMDD + sequence,
 * e.g. E06010202612060007. The date is the city's local date of the report; the sequence counts
 * per kind, class and day from 1 (four digits, more when a day needs them).
 */
export const caseKindSchema = z.enum(['component', 'event']);
export type CaseKind = z.infer<typeof caseKindSchema>;
export const caseClassCodeSchema = z.string().regex(/^\d{4,5}$/, 'a class code of 4 or 5 digits (01001, 06010; older city code 0111)');

export function caseNumber(kind: CaseKind, classCode: string, reportedAt: number, seq: number, utcOffsetMin = 480): string {
  if (!caseClassCodeSchema.safeParse(classCode).success) throw new Error(`class code "${classCode}": 4 or 5 digits`);
  if (!Number.isInteger(seq) || seq < 1) throw new Error(`sequence ${seq}: a positive integer`);
  const d = new Date(reportedAt + utcOffsetMin * 60_000).toISOString().slice(0, 10).replaceAll('-', '');
  return `${kind === 'component' ? 'C' : 'E'}${classCode}${d}${String(seq).padStart(4, '0')}`;
}

export const caseNumberSchema = z.string().regex(/^[CE]\d{4,5}\d{8}\d{4,}$/, 'a case number: C or E, class code, YYYYMMDD, sequence');

/** Fixed limits of the desk's own steps; the handling limit comes from the case class. */
export const STEP_LIMITS: Partial<Record<CaseState, TimeLimit>> = {
  reported: { amount: 1, unit: 'workingHours' },
  verified: { amount: 0.5, unit: 'workingHours' },
  filed: { amount: 0.5, unit: 'workingHours' },
  returned: { amount: 0.5, unit: 'workingHours' },
  reportedBack: { amount: 2, unit: 'workingHours' },
  checked: { amount: 1, unit: 'workingHours' },
};

/** The states whose clock is the department's handling limit (of the case class). */
export const HANDLING_STATES: readonly CaseState[] = ['dispatched', 'handling'];

/** The limit that runs while a case is in `state`, or null (parked, closed: no clock). */
export function stepLimit(state: CaseState, handling: TimeLimit): TimeLimit | null {
  if (HANDLING_STATES.includes(state)) return handling;
  return STEP_LIMITS[state] ?? null;
}

/** The handling limit of a class not in the table (a sensor's component of another class). */
export const DEFAULT_HANDLING: TimeLimit = { amount: 1, unit: 'workingDays' };

/** Some case classes and their handling limits (a city edits its own table). */
export const CASE_CLASSES: { code: string; kind: CaseKind; zh: string; en: string; handling: TimeLimit }[] = [
  { code: '01001', kind: 'component', zh: '供水井盖', en: 'Water-supply manhole cover', handling: { amount: 4, unit: 'workingHours' } },
  { code: '01002', kind: 'component', zh: '污水井盖', en: 'Sewage cover', handling: { amount: 4, unit: 'workingHours' } },
  { code: '01003', kind: 'component', zh: '雨水井盖', en: 'Storm-water cover', handling: { amount: 4, unit: 'workingHours' } },
  { code: '01004', kind: 'component', zh: '雨水箅子', en: 'Storm-drain grate', handling: { amount: 1, unit: 'workingDays' } },
  { code: '01037', kind: 'component', zh: '路灯', en: 'Street light', handling: { amount: 2, unit: 'workingDays' } },
  { code: '01067', kind: 'component', zh: '防汛监测设施', en: 'Flood-monitoring device', handling: { amount: 1, unit: 'workingDays' } },
  { code: '03005', kind: 'component', zh: '垃圾箱', en: 'Litter bin', handling: { amount: 1, unit: 'workingDays' } },
  { code: '06010', kind: 'event', zh: '暴露垃圾', en: 'Exposed garbage', handling: { amount: 4, unit: 'workingHours' } },
  { code: '06042', kind: 'event', zh: '垃圾站满溢', en: 'Bin overflow', handling: { amount: 4, unit: 'workingHours' } },
  { code: '07001', kind: 'event', zh: '非法小广告', en: 'Illegal flyers', handling: { amount: 1, unit: 'workingDays' } },
  { code: '09006', kind: 'event', zh: '占道经营', en: 'Street vending', handling: { amount: 2, unit: 'workingHours' } },
  { code: '0111', kind: 'event', zh: '道路积水', en: 'Road waterlogging', handling: { amount: 2, unit: 'workingHours' } },
];
