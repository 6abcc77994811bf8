// Open311 GeoReport v2 (wiki.open311.org/GeoReport_v2): citizens' reports into the case loop.
// Its status is open or closed; the loop's state goes into status_notes. Pure: zod only.
import { z } from 'zod';
import { CASE_STATE_NAMES, type CaseState } from './cases';

/** POST requests.json (form-encoded per the spec): a location is lat+long or address_string. */
export const open311PostSchema = z.object({
  jurisdiction_id: z.string().optional(),
  service_code: z.string().min(1, 'service_code is required'),
  lat: z.coerce.number().min(-90).max(90).optional(),
  long: z.coerce.number().min(-180).max(180).optional(),
  address_string: z.string().max(500).optional(),
  description: z.string().trim().min(1, 'description is required').max(4000),
  email: z.string().max(200).optional(),
  first_name: z.string().max(100).optional(),
  last_name: z.string().max(100).optional(),
  phone: z.string().max(50).optional(),
  media_url: z.string().max(2000).optional(),
}).superRefine((p, ctx) => {
  if ((p.lat === undefined || p.long === undefined)) ctx.addIssue({ code: 'custom', path: ['lat'], message: 'lat and long are required (this server does not geocode address_string)' });
});

const CLOSED: readonly CaseState[] = ['closed', 'evaluated', 'voided', 'selfHandled'];

export function open311Status(state: CaseState): 'open' | 'closed' {
  return CLOSED.includes(state) ? 'closed' : 'open';
}

export function open311StatusNotes(state: CaseState): string {
  const n = CASE_STATE_NAMES[state];
  return `${n.en} (${n.zh})`;
}
