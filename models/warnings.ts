// Flood warnings to subscribers (issue 13): who subscribes to which unit grid through which
// channel, the evacuation colour of a grid, the messages sent, and the duty view's rows. Pure: zod.
import { z } from 'zod';
import { citySlugSchema, latDegSchema, lonDegSchema } from './city';
import { unitGridCodeSchema } from './codes';
import type { Role } from './accounts';

/** Who sees the duty view (subscriptions, deliveries, active warnings) and may cancel a subscription. */
export const WARNING_DUTY_ROLES: readonly Role[] = ['administrator', 'shift_lead'];

// --- thresholds and the evacuation colour ---

/**
 * Depths (cm) behind the evacuation colour, from STANDARDS.md: 27 cm is Beijing's red line (the
 * police close the road), 15 cm the design limit of water in one lane (GB 51222-2017). Red asks
 * people to leave now (Zhejiang's safety-code colours: red / yellow / green); yellow asks them to
 * get ready. Only red sends a warning: a warning that says "evacuate" must mean it.
 */
export const EVACUATE_CM = 27;
export const PREPARE_CM = 15;
export const EVACUATION_COLOURS = ['red', 'yellow', 'green'] as const;
export type EvacuationColour = (typeof EVACUATION_COLOURS)[number];

export function evacuationColour(depthCm: number): EvacuationColour {
  return depthCm >= EVACUATE_CM ? 'red' : depthCm >= PREPARE_CM ? 'yellow' : 'green';
}

/** What the colour asks people to do, zh and en (the warning's "what to do"). */
export const EVACUATION_ADVICE: Record<EvacuationColour, { zh: string; en: string }> = {
  red: {
    zh: '立即撤离：离开地下室、地下车库和低洼处，转移到高处或二楼以上；不要涉水、不要驾车通过积水路段，远离井盖和电线杆。',
    en: 'Evacuate now: leave basements, underground car parks and low ground; go upstairs or to higher ground. Do not walk or drive through flood water; keep away from manholes and power poles.',
  },
  yellow: {
    zh: '做好撤离准备：把贵重物品和车辆移到高处，关注后续通知。',
    en: 'Get ready to leave: move valuables and cars to higher ground and watch for further notices.',
  },
  green: { zh: '暂无积水风险。', en: 'No flood risk now.' },
};

/** A grid's colour as the twin, the cockpit and the duty view show it. */
export const evacuationGridSchema = z.object({
  index: z.number().int().nonnegative(),
  code: unitGridCodeSchema,
  /** green grids are not listed */
  colour: z.enum(['red', 'yellow']),
  depthCm: z.number().int().nonnegative(),
  /** when the water passes the threshold (ISO 8601) */
  fromAt: z.string(),
  source: z.enum(['run', 'gauge']),
  runId: z.string().uuid().nullable(),
  why: z.object({ zh: z.string(), en: z.string() }),
});
export type EvacuationGrid = z.infer<typeof evacuationGridSchema>;
/** Grids that are not green (the rest are). */
export const evacuationStateSchema = z.object({ city: citySlugSchema, grids: z.array(evacuationGridSchema), updatedAt: z.string() });
export type EvacuationState = z.infer<typeof evacuationStateSchema>;

// --- subscribing ---

/**
 * Mobile numbers: a mainland number (11 digits from 13-19, +86 optional), which SMS gateways in
 * China deliver to, or any other in E.164 form (+ and 8-15 digits). Spaces and dashes are
 * dropped. Stored as E.164.
 */
export const phoneSchema = z.string().trim().transform((s) => s.replace(/[\s-]/g, '')).pipe(
  z.string().regex(/^(?:(?:\+?86)?1[3-9]\d{9}|\+[1-9]\d{7,14})$/, 'a mobile number: 11 digits from 13-19 (e.g. 13812345678), or +country code and number'),
).transform((s) => (s.startsWith('+') ? s : `+86${s.replace(/^86/, '')}`));

/**
 * Webhook URLs: http and https only. Other schemes (file:, ftp:, data:, javascript:) would make the
 * server a fetcher of anything; plain http stays allowed for endpoints on a closed duty network
 * (and the test sink). No user:password in the URL (it would show in the duty view and the
 * log); a secret belongs in the path or query, which the duty view shortens. Any host: the
 * confirmation code goes to the URL itself, so a subscription is used only by someone who can
 * read that endpoint's requests.
 */
export const webhookUrlSchema = z.string().trim().max(2000, 'a URL of at most 2000 characters').superRefine((s, ctx) => {
  let u: URL;
  try { u = new URL(s); } catch { ctx.addIssue({ code: 'custom', message: 'not a URL (e.g. https://example.org/flood-hook)' }); return; }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') ctx.addIssue({ code: 'custom', message: `only http and https URLs (not ${u.protocol})` });
  if (u.username || u.password) ctx.addIssue({ code: 'custom', message: 'no user name or password in the URL' });
});

export const warningChannelSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sms'), phone: phoneSchema }),
  z.object({ kind: z.literal('webhook'), url: webhookUrlSchema }),
]);
export type WarningChannel = z.infer<typeof warningChannelSchema>;

/** Where: a unit grid by code, a point (picked on the map or the phone's position), or a place name of the city. */
export const warningTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('grid'), code: unitGridCodeSchema }),
  z.object({ kind: z.literal('point'), lonDeg: lonDegSchema, latDeg: latDegSchema }),
  z.object({ kind: z.literal('address'), text: z.string().trim().min(2, 'a place name of at least 2 characters').max(100, 'a place name of at most 100 characters') }),
]);
export type WarningTarget = z.infer<typeof warningTargetSchema>;

export const warningLangSchema = z.enum(['zh', 'en']);

export const subscribeInputSchema = z.object({
  city: citySlugSchema,
  target: warningTargetSchema,
  channel: warningChannelSchema,
  lang: warningLangSchema.default('zh'),
  /** who: a person's or an organisation's name, for the duty view (optional) */
  label: z.string().trim().max(80, 'a name of at most 80 characters').optional(),
});
export type SubscribeInput = z.input<typeof subscribeInputSchema>;

export const subscriptionIdSchema = z.string().uuid('subscription id: a UUID');
export const CONFIRM_CODE_DIGITS = 6;
export const confirmCodeSchema = z.string().trim().regex(/^\d{6}$/, 'the code: 6 digits');
export const confirmInputSchema = z.object({ id: subscriptionIdSchema, code: confirmCodeSchema });

/** The place a subscription resolved to, shown before and after confirming. */
export const subscribeResultSchema = z.object({
  id: subscriptionIdSchema,
  gridIndex: z.number().int().nonnegative(),
  gridCode: unitGridCodeSchema,
  /** what the target matched (a place, a road, the point, the grid), zh and en */
  place: z.object({ zh: z.string(), en: z.string() }),
  channel: z.enum(['sms', 'webhook']),
  confirmed: z.boolean(),
});
export type SubscribeResult = z.infer<typeof subscribeResultSchema>;

// --- deliveries: retries and the message ---

export const DELIVERY_KINDS = ['confirm', 'warning', 'allclear'] as const;
export type DeliveryKind = (typeof DELIVERY_KINDS)[number];
export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;

/**
 * Exponential back-off after the n-th failed attempt (1-based): base x 2^(n-1), at most capMs.
 * With the defaults (5 s, 8 attempts) a gateway that stays down is tried for about 10 minutes.
 */
export function retryDelayMs(attempt: number, baseMs: number, capMs = 600_000): number {
  return Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

/** The JSON a webhook receives (one POST per delivery; `deliveryId` is the same on every retry). */
export const warningPayloadSchema = z.object({
  type: z.enum(['subscription.confirm', 'flood.warning', 'flood.allclear']),
  deliveryId: z.string().uuid(),
  subscriptionId: subscriptionIdSchema,
  city: citySlugSchema,
  grid: z.object({ index: z.number().int(), code: z.string(), place: z.object({ zh: z.string(), en: z.string() }) }),
  /** confirm only */
  code: z.string().optional(),
  /** warning and all-clear: the event */
  eventId: z.string().uuid().optional(),
  colour: z.enum(EVACUATION_COLOURS).optional(),
  depthCm: z.number().int().optional(),
  fromAt: z.string().optional(),
  /** the message, in the subscriber's language first */
  text: z.object({ zh: z.string(), en: z.string() }),
});
export type WarningPayload = z.infer<typeof warningPayloadSchema>;

const clock = (iso: string, lang: 'zh' | 'en') => new Date(iso).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: 'Asia/Shanghai', dateStyle: 'short', timeStyle: 'short' });

/** The text of a message, zh and en: where, how deep, from when, what to do (the SMS is this text). */
export function warningText(p: { kind: DeliveryKind; gridCode: string; place: { zh: string; en: string }; depthCm?: number; fromAt?: string; code?: string }): { zh: string; en: string } {
  if (p.kind === 'confirm') return {
    zh: `【城市积水预警】确认码 ${p.code}：订阅网格 ${p.gridCode}（${p.place.zh}）的积水预警。如非本人操作请忽略。`,
    en: `[City flood warnings] Code ${p.code}: confirms your subscription to flood warnings for grid ${p.gridCode} (${p.place.en}). Ignore it if you did not ask.`,
  };
  if (p.kind === 'allclear') return {
    zh: `【积水预警解除】网格 ${p.gridCode}（${p.place.zh}）最新预报不再积水超过 ${EVACUATE_CM} cm，撤离预警解除。请注意安全，听从现场指挥。`,
    en: `[Flood warning cancelled] Grid ${p.gridCode} (${p.place.en}): the latest forecast no longer floods it over ${EVACUATE_CM} cm; the evacuation warning is cancelled. Stay careful and follow instructions on site.`,
  };
  const at = p.fromAt ?? new Date(0).toISOString();
  return {
    zh: `【积水红色预警】网格 ${p.gridCode}（${p.place.zh}）预计 ${clock(at, 'zh')} 起积水超过 ${EVACUATE_CM} cm，最深约 ${p.depthCm} cm。${EVACUATION_ADVICE.red.zh}`,
    en: `[Flood warning: red] Grid ${p.gridCode} (${p.place.en}): water over ${EVACUATE_CM} cm expected from ${clock(at, 'en')}, up to about ${p.depthCm} cm. ${EVACUATION_ADVICE.red.en}`,
  };
}

// --- the duty view ---

export const dutyInputSchema = z.object({ city: citySlugSchema });
export const subscriptionRowSchema = z.object({
  id: subscriptionIdSchema,
  gridCode: z.string(),
  place: z.string(),
  channel: z.enum(['sms', 'webhook']),
  /** the phone with its middle digits hidden, or the URL without its path and query */
  address: z.string(),
  label: z.string().nullable(),
  lang: warningLangSchema,
  confirmed: z.boolean(),
  createdAt: z.string(),
});
export const deliveryRowSchema = z.object({
  id: z.string().uuid(),
  subscriptionId: subscriptionIdSchema,
  gridCode: z.string(),
  address: z.string(),
  kind: z.enum(DELIVERY_KINDS),
  status: z.enum(DELIVERY_STATUSES),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
});
export const attemptRowSchema = z.object({
  deliveryId: z.string().uuid(),
  at: z.string(),
  ok: z.boolean(),
  error: z.string().nullable(),
});
export const dutyViewSchema = z.object({
  subscriptions: z.array(subscriptionRowSchema),
  deliveries: z.array(deliveryRowSchema),
  attempts: z.array(attemptRowSchema),
  active: z.array(evacuationGridSchema),
});
export type DutyView = z.infer<typeof dutyViewSchema>;

/** Hides a phone's middle digits and a URL's path and query (a secret may sit there). */
export function maskAddress(channel: 'sms' | 'webhook', address: string): string {
  if (channel === 'sms') return address.length > 7 ? `${address.slice(0, address.length - 8)}****${address.slice(-4)}` : '****';
  try { const u = new URL(address); return `${u.protocol}//${u.host}${u.pathname.length > 1 ? '/…' : '/'}`; } catch { return '…'; }
}
