import { z } from 'zod';

// Unit grid code, GB/T 30428.1 (now GB/T 47678.3): 6-digit county (GB/T 2260) + 3-digit
// street (GB/T 10114) + 3-digit community + 3-digit serial (west to east, then north to south).
export const unitGridCodeSchema = z
  .string()
  .regex(/^\d{15}$/, 'unit grid code must be 15 digits: county(6) street(3) community(3) serial(3)');
export type UnitGridCode = z.infer<typeof unitGridCodeSchema>;

export function makeUnitGridCode(county: string, street: number, community: number, serial: number): string {
  if (!/^\d{6}$/.test(county)) throw new Error(`county code must be 6 digits, got "${county}"`);
  for (const [name, v] of [['street', street], ['community', community], ['serial', serial]] as const) {
    if (!Number.isInteger(v) || v < 1 || v > 999) throw new Error(`${name} must be 1..999, got ${v}`);
  }
  return county + pad(street, 3) + pad(community, 3) + pad(serial, 3);
}

export function parseUnitGridCode(code: string) {
  const c = unitGridCodeSchema.parse(code);
  return { county: c.slice(0, 6), street: c.slice(6, 9), community: c.slice(9, 12), serial: c.slice(12, 15) };
}

// Responsibility grids have no national code; ours is county(6) + street(3) + team serial(3).
export const responsibilityGridCodeSchema = z
  .string()
  .regex(/^\d{12}$/, 'responsibility grid code must be 12 digits: county(6) street(3) team(3)');

// Component code (部件标识码), GB/T 47678.5-2026: 6-digit admin code + 2-digit major class +
// 3-digit minor class + 6-digit serial = 17 digits. The older 16-digit form (CJ/T 214-2007,
// 2-digit minor class) is still in city data: accepted and normalised to 17 digits.
export const componentCode17Schema = z
  .string()
  .regex(/^\d{17}$/, 'component code must be 17 digits: admin(6) major(2) minor(3) serial(6)');

export const componentCodeInputSchema = z
  .string()
  .trim()
  .regex(/^\d{16,17}$/, 'component code must be 17 digits (GB/T 47678.5) or the older 16-digit form')
  .transform((s) => normaliseComponentCode(s));

export function normaliseComponentCode(code: string): string {
  if (/^\d{17}$/.test(code)) return code;
  if (/^\d{16}$/.test(code)) return code.slice(0, 8) + '0' + code.slice(8);
  throw new Error(`not a component code: "${code}"`);
}

export function makeComponentCode(admin: string, classCode: string, serial: number): string {
  if (!/^\d{6}$/.test(admin)) throw new Error(`admin code must be 6 digits, got "${admin}"`);
  if (!/^\d{5}$/.test(classCode)) throw new Error(`class code must be 5 digits (major 2 + minor 3), got "${classCode}"`);
  if (!Number.isInteger(serial) || serial < 1 || serial > 999_999) throw new Error(`serial must be 1..999999, got ${serial}`);
  return admin + classCode + pad(serial, 6);
}

export function parseComponentCode(code: string) {
  const c = normaliseComponentCode(code);
  return { admin: c.slice(0, 6), major: c.slice(6, 8), classCode: c.slice(6, 11), serial: c.slice(11, 17) };
}

function pad(v: number, n: number) {
  return String(v).padStart(n, '0');
}
