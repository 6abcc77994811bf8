import { z } from 'zod';
import { runIdSchema } from './runs';

/** GET /api/runs/<id>/report.pdf?lang=zh|en[&against=<run id>]: the run's report, or B (<id>) against A. */
export const runReportQuerySchema = z.object({
  lang: z.enum(['zh', 'en']).default('zh'),
  against: runIdSchema.optional(),
}).strict();
export type RunReportQuery = z.infer<typeof runReportQuerySchema>;
