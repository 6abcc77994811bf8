// Case display helpers shared by the desk and the phone page.
import { CASE_CLASSES } from '../../../models/cases';

/** h:mm of a working-time span (absolute) */
export function spanText(ms: number): string {
  const m = Math.round(Math.abs(ms) / 60_000);
  return `${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}`;
}

export function caseClass(code: string) {
  return CASE_CLASSES.find((c) => c.code === code) ?? { code, zh: code, en: code };
}
