// Accounts, roles, sessions and who may change what: the contract of the sign-in API, the
// administrator's account API, the CLI and every server-side role guard. Pure: zod only.
import { z } from 'zod';
import { kioskSettingsSchema } from './kiosk';

/**
 * The people of a management centre (issue 12, STANDARDS.md "case closed loop"): administrator,
 * planner, intake clerk 受理员, dispatcher 派遣员, shift lead 值班长, department handler 专业部门
 * (bound to a department), inspector 监督员, viewer (reads only); presenter 演示员 drives a briefing
 * room's screens (issue 13); kiosk 展厅终端 is an exhibition touch screen's session, which reads
 * published content only and changes nothing (issue 14).
 */
export const ROLES = ['administrator', 'planner', 'intake', 'dispatcher', 'shift_lead', 'department', 'inspector', 'viewer', 'presenter', 'kiosk'] as const;
export const roleSchema = z.enum(ROLES, { error: `one of ${ROLES.join(', ')}` });
export type Role = z.infer<typeof roleSchema>;

export const ROLE_NAMES: Record<Role, { zh: string; en: string }> = {
  administrator: { zh: '管理员', en: 'Administrator' },
  planner: { zh: '规划员', en: 'Planner' },
  intake: { zh: '受理员', en: 'Intake clerk' },
  dispatcher: { zh: '派遣员', en: 'Dispatcher' },
  shift_lead: { zh: '值班长', en: 'Shift lead' },
  department: { zh: '专业部门', en: 'Department handler' },
  inspector: { zh: '监督员', en: 'Inspector' },
  viewer: { zh: '浏览者', en: 'Viewer' },
  presenter: { zh: '演示员', en: 'Presenter' },
  kiosk: { zh: '展厅终端', en: 'Exhibition kiosk' },
};

/** Who may change flood scenarios and start or cancel runs. */
export const PLANNING_ROLES: readonly Role[] = ['planner', 'administrator'];
/** Who may manage accounts and the settings. */
export const ADMIN_ROLES: readonly Role[] = ['administrator'];

/** The exhibition kiosk's session reads only: every mutation, HTTP write and socket command is refused for it on the server. */
export function readOnlyRole(role: Role | null | undefined): boolean {
  return role === 'kiosk';
}

export function mayPlan(role: Role | null | undefined): boolean {
  return !!role && PLANNING_ROLES.includes(role);
}

export const accountNameSchema = z.string().trim()
  .min(2, 'at least 2 characters').max(64, 'at most 64 characters')
  .regex(/^[\p{L}\p{N}._@-]+$/u, 'letters, digits and . _ @ - only (no spaces)');

/** NIST SP 800-63B: length matters, composition rules do not; at least 10 characters here. */
export const MIN_PASSWORD = 10;
export const passwordSchema = z.string()
  .min(MIN_PASSWORD, `at least ${MIN_PASSWORD} characters`).max(256, 'at most 256 characters');

export const departmentSchema = z.string().trim().min(1).max(80);

export const accountSchema = z.object({
  id: z.string().uuid(),
  name: accountNameSchema,
  role: roleSchema,
  /** the department a department handler works for; null for every other role */
  department: z.string().nullable(),
  disabled: z.boolean(),
  /** locked after repeated failed sign-ins until this time (ISO), or null */
  lockedUntil: z.string().nullable(),
  createdAt: z.string(),
});
export type Account = z.infer<typeof accountSchema>;

/** The signed-in user as every request sees it. */
export const sessionUserSchema = accountSchema.pick({ id: true, name: true, role: true, department: true });
export type SessionUser = z.infer<typeof sessionUserSchema>;

export const meSchema = z.object({ user: sessionUserSchema.nullable(), twinPublic: z.boolean(), setupOpen: z.boolean() });

export const signInInputSchema = z.object({ name: z.string().trim().min(1, 'required').max(64), password: z.string().min(1, 'required').max(256) });
export const passwordChangeInputSchema = z.object({ current: z.string().min(1, 'required').max(256), next: passwordSchema });

export const accountAddInputSchema = z.object({
  name: accountNameSchema,
  role: roleSchema,
  password: passwordSchema,
  department: departmentSchema.optional(),
}).superRefine((a, ctx) => {
  if (a.role === 'department' && !a.department) ctx.addIssue({ code: 'custom', path: ['department'], message: 'a department handler needs a department' });
});
export const accountUpdateInputSchema = z.object({
  id: z.string().uuid(),
  role: roleSchema.optional(),
  department: departmentSchema.nullable().optional(),
  disabled: z.boolean().optional(),
  /** clears a lock-out */
  unlock: z.literal(true).optional(),
  /** an administrator's reset: the user's sessions end */
  password: passwordSchema.optional(),
});
export const setupInputSchema = z.object({ token: z.string().min(16).max(128), name: accountNameSchema, password: passwordSchema });

/** Administrator-editable settings, stored in the database. */
export const settingsSchema = z.object({
  /** anonymous visitors may see the twin (read-only); cases and people never are public */
  twinPublic: z.boolean().default(true),
  /** the exhibition kiosk: idle time before its attract loop, the storms of "flood my street" */
  kiosk: kioskSettingsSchema.prefault({}),
});
export type Settings = z.infer<typeof settingsSchema>;
export const settingsUpdateSchema = settingsSchema.partial();

/** Lock-out: this many failures in a row lock an account for LOCK_MINUTES (OWASP: throttle, not forever). */
export const MAX_FAILED_SIGNINS = 5;
export const LOCK_MINUTES = 15;
