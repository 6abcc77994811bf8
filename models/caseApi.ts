// The case API's inputs and outputs (server/trpc/cases.ts). Pure: zod only.
import { z } from 'zod';
import { citySlugSchema } from './city';
import { caseActionSchema, caseClassCodeSchema, caseKindSchema, caseStateSchema } from './cases';

export const caseIdSchema = z.string().uuid('case id: a UUID');

export const caseReportInputSchema = z.object({
  city: citySlugSchema,
  kind: caseKindSchema,
  classCode: caseClassCodeSchema,
  description: z.string().trim().min(1, 'a description is needed').max(2000, 'at most 2000 characters'),
  lonDeg: z.number().min(-180).max(180).optional(),
  latDeg: z.number().min(-90).max(90).optional(),
  /** the component concerned (16 or 17 digits): fills in its unit grid, place and department */
  componentCode: z.string().regex(/^\d{16,17}$/, 'a component code of 16 or 17 digits').optional(),
});
export type CaseReportInput = z.infer<typeof caseReportInputSchema>;

export const caseStepInputSchema = z.object({
  id: caseIdSchema,
  /** the version the actor saw: a step on a stale view is refused (someone else acted first) */
  version: z.number().int().positive(),
  action: caseActionSchema,
  note: z.string().trim().max(2000).optional(),
  /** dispatch: the department the case goes to */
  department: z.string().trim().min(1).max(80).optional(),
  /** grantExtension: working hours added to the step's limit */
  extensionHours: z.number().positive().max(24 * 30).optional(),
}).superRefine((s, ctx) => {
  if (s.action === 'dispatch' && !s.department) ctx.addIssue({ code: 'custom', path: ['department'], message: 'dispatch names the department' });
  if (s.action === 'grantExtension' && !s.extensionHours) ctx.addIssue({ code: 'custom', path: ['extensionHours'], message: 'an extension names its working hours' });
});
export type CaseStepInput = z.infer<typeof caseStepInputSchema>;

export const caseListInputSchema = z.object({ city: citySlugSchema, states: z.array(caseStateSchema).optional() });

export const caseLimitSchema = z.object({ deadline: z.string(), leftMs: z.number(), colour: z.enum(['green', 'yellow', 'red']) });

export const caseRecordSchema = z.object({
  id: caseIdSchema,
  number: z.string(),
  city: z.string(),
  kind: caseKindSchema,
  classCode: z.string(),
  state: caseStateSchema,
  description: z.string(),
  lonDeg: z.number().nullable(),
  latDeg: z.number().nullable(),
  componentCode: z.string().nullable(),
  unitGridCode: z.string().nullable(),
  department: z.string().nullable(),
  source: z.string(),
  reportedAt: z.string(),
  stateSince: z.string(),
  reworkCount: z.number().int(),
  version: z.number().int(),
  /** the running step's time limit now; null where no clock runs (parked, closed) */
  limit: caseLimitSchema.nullable(),
  /** the steps the caller's role may take now */
  actions: z.array(caseActionSchema),
});
export type CaseRecord = z.infer<typeof caseRecordSchema>;

export const caseStepRecordSchema = z.object({
  action: z.string(), fromState: z.string().nullable(), toState: z.string(), actorName: z.string(), actorRole: z.string(), note: z.string().nullable(), at: z.string(),
});
export const casePhotoRecordSchema = z.object({ id: z.string().uuid(), phase: z.enum(['before', 'after']), mime: z.string(), size: z.number().int(), createdAt: z.string() });
export const caseDetailSchema = caseRecordSchema.extend({
  steps: z.array(caseStepRecordSchema), photos: z.array(casePhotoRecordSchema),
  /** the responsibility grid (责任网格) its unit grid belongs to; null without a unit grid */
  responsibilityGrid: z.object({ code: z.string(), name: z.object({ zh: z.string(), en: z.string() }) }).nullable(),
});
export type CaseDetail = z.infer<typeof caseDetailSchema>;

/** Photos: at most this many bytes, and only these types, told from the bytes (not the name). */
export const MAX_PHOTO_BYTES = 8 * 1024 * 1024;
export function photoType(b: Uint8Array): 'image/jpeg' | 'image/png' | 'image/webp' | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 8 && [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((x, i) => b[i] === x)) return 'image/png';
  if (b.length >= 12 && String.fromCharCode(...b.subarray(0, 4)) === 'RIFF' && String.fromCharCode(...b.subarray(8, 12)) === 'WEBP') return 'image/webp';
  return null;
}

/** Bulk dispatch: several cases (each with the version seen) to one department in one transaction. */
export const caseDispatchManyInputSchema = z.object({
  items: z.array(z.object({ id: caseIdSchema, version: z.number().int().positive() })).min(1, 'pick at least one case').max(200, 'at most 200 cases at once'),
  department: z.string().trim().min(1, 'dispatch names the department').max(80),
  note: z.string().trim().max(2000).optional(),
});
export type CaseDispatchManyInput = z.infer<typeof caseDispatchManyInputSchema>;
export const caseDispatchManyResultSchema = z.object({
  dispatched: z.array(caseRecordSchema),
  /** each case left as it was, with the reason */
  refused: z.array(z.object({ id: z.string(), number: z.string().nullable(), reason: z.string() })),
});
export type CaseDispatchManyResult = z.infer<typeof caseDispatchManyResultSchema>;
