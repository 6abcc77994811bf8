import type { z } from 'zod';

/** One readable line per zod issue, naming the field: `changes[3].state: Invalid option ...`. */
export function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.length ? i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') : '(root)'}: ${i.message}`);
}
