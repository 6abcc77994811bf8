// The briefing room (issue 13): the cockpit's vital signs (cockpit.summary) and the presenter's
// room over socket.io (present:* events). The room's view is the share link's ViewState
// (models/viewState.ts) plus what to fly to. Pure: zod only.
import { z } from 'zod';
import { citySlugSchema } from './city';
import { viewStateSchema } from './viewState';

/** A room code as the presenter types it and the screens carry it (?room=): 4-16 letters or digits. */
export const roomCodeSchema = z.string().regex(/^[A-Za-z0-9]{4,16}$/, 'a room code: 4 to 16 letters or digits').transform((s) => s.toUpperCase());

/**
 * What every screen of a room shows. `view` holds layers, run, time, selection and (when the
 * presenter set one) an exact camera; `fly` says what to fly to and `flySeq` counts flights, so
 * flying to the same alert twice flies twice and a late joiner lands where the others are.
 */
export const roomFlySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('home') }),
  z.object({ kind: z.enum(['component', 'grid']), index: z.number().int().nonnegative().max(10_000_000) }),
  z.object({ kind: z.literal('point'), x: z.number().min(-1e6).max(1e6), y: z.number().min(-1e6).max(1e6) }),
]);
export type RoomFly = z.infer<typeof roomFlySchema>;

export const roomViewSchema = z.object({
  view: viewStateSchema,
  fly: roomFlySchema.nullable(),
  flySeq: z.number().int().nonnegative(),
}).strict();
export type RoomView = z.infer<typeof roomViewSchema>;

/** The room as the server keeps it and sends it (presentState). */
export const roomStateSchema = roomViewSchema.extend({
  room: z.string(),
  city: citySlugSchema,
  /** increases with every push: a screen ignores an older one */
  seq: z.number().int().nonnegative(),
  /** who pushed it, and whether a presenter is connected now */
  by: z.string().nullable(),
  presenterOnline: z.boolean(),
  /** server time of the push (ms since epoch): the bench and the screens' "last change" */
  at: z.number(),
}).strict();
export type RoomState = z.infer<typeof roomStateSchema>;

/** present:join: a screen (follow) or the presenter (drive) enters a room of a city. */
export const presentJoinSchema = z.object({ room: roomCodeSchema, city: citySlugSchema, role: z.enum(['follow', 'drive']) }).strict();
export type PresentJoinInput = z.input<typeof presentJoinSchema>;
/** present:push: the presenter's new view for the room; `sentAt` is the presenter's clock (latency figures). */
export const presentPushSchema = z.object({ room: roomCodeSchema, state: roomViewSchema, sentAt: z.number().optional() }).strict();
export type PresentPushInput = z.input<typeof presentPushSchema>;

export type PresentAck = { ok: true; state: RoomState | null; screens: number } | { ok: false; error: string };

export const EMPTY_ROOM_VIEW: RoomView = { view: {}, fly: null, flySeq: 0 };

/** The next room view after a fly: the exact camera is dropped (each screen flies to the target). */
export function flyTo(v: RoomView, fly: RoomFly): RoomView {
  const { camera: _drop, ...view } = v.view;
  const selection = fly.kind === 'component' || fly.kind === 'grid' ? { kind: fly.kind, index: fly.index } : fly.kind === 'point' ? { kind: 'point' as const, x: fly.x, y: fly.y } : undefined;
  return { view: { ...view, selection }, fly, flySeq: v.flySeq + 1 };
}

// ------------------------------------------------------------------ cockpit.summary

/** A count now and its sparkline is kept by the screen (bounded); the server says only now. */
export const cockpitSummaryInputSchema = z.object({ city: citySlugSchema });

const rate = z.number().min(0).max(100).nullable();
const barRow = z.object({ key: z.string(), count: z.number().int().nonnegative() });

export const cockpitAlertSchema = z.object({
  /** component index (fly target) */
  index: z.number().int().nonnegative(),
  code: z.string(),
  classCode: z.string(),
  /** ms since epoch of its last report (alarm since at most then) */
  at: z.number(),
  /** its reading (m of water for a gauge; NaN becomes null) */
  value: z.number().nullable(),
  unitGrid: z.number().int().nonnegative(),
});
export type CockpitAlert = z.infer<typeof cockpitAlertSchema>;

export const cockpitGaugeSchema = z.object({
  index: z.number().int().nonnegative(),
  code: z.string(),
  /** reading (m of water), null when silent */
  depthM: z.number().nullable(),
  /** the warning level it is compared against (m) */
  warnM: z.number(),
});

export const cockpitOutlookSchema = z.object({
  runId: z.string(),
  scenarioName: z.string(),
  finishedAt: z.string().nullable(),
  /** prone points that cross a threshold, soonest first; `inS`: from the run's start (s) */
  points: z.array(z.object({
    name: z.string(), x: z.number(), y: z.number(), maxDepthM: z.number(),
    thresholdCm: z.union([z.literal(15), z.literal(20), z.literal(27)]), inS: z.number(),
  })).max(50),
});
export type CockpitOutlook = z.infer<typeof cockpitOutlookSchema>;

export const cockpitSummarySchema = z.object({
  at: z.number(),
  components: z.object({ total: z.number().int(), online: z.number().int(), intact: z.number().int(), alarm: z.number().int(), warning: z.number().int() }),
  /** five-colour grid counts, low to high (models/fiveColour.ts) */
  gridLevels: z.array(z.number().int()).length(5),
  /** null: the viewer may not read cases (role) */
  cases: z.object({
    open: z.number().int(), overdue: z.number().int(),
    todayClosureRate: rate, todayOnTimeRate: rate, monthClosureRate: rate, monthOnTimeRate: rate,
    byClass: z.array(barRow), byDepartment: z.array(barRow), byGrid: z.array(barRow),
    /** the newest open cases with a place (local metres): what the presenter flies to */
    recent: z.array(z.object({ number: z.string(), classCode: z.string(), x: z.number(), y: z.number() })).max(12),
  }).nullable(),
  /** the city's prone points (易积水点): places the presenter flies to */
  places: z.array(z.object({ name: z.object({ zh: z.string(), en: z.string() }), x: z.number(), y: z.number() })).max(40),
  /** rain rate now (mm/h; the rain gauges' mean, null without any) and the latest forecast run's next hour */
  rain: z.object({ nowMmPerH: z.number().nullable(), forecastMmPerH: z.number().nullable() }),
  gauges: z.array(cockpitGaugeSchema).max(12),
  gaugesOverWarning: z.number().int(),
  alerts: z.array(cockpitAlertSchema).max(30),
  outlook: cockpitOutlookSchema.nullable(),
  /** unit grids under an evacuation warning now (models/warnings.ts colours); null without warnings */
  evacuation: z.object({ red: z.number().int(), yellow: z.number().int() }).nullable(),
});
export type CockpitSummary = z.infer<typeof cockpitSummarySchema>;

// ------------------------------------------------------------------ the forecast's rain and outlook

/** A rain table's rate at run time `t` (s) and the highest rate in the hour after it (mm/h). */
export function rainAt(table: readonly { time: number; rainMmPerH: number }[], t: number): { nowMmPerH: number; nextHourMmPerH: number } {
  let now = 0;
  for (const p of table) if (p.time <= t) now = p.rainMmPerH;
  let next = now;
  for (const p of table) if (p.time > t && p.time <= t + 3600) next = Math.max(next, p.rainMmPerH);
  return { nowMmPerH: now, nextHourMmPerH: next };
}

type Exceed = { id: string; name: string; x: number; y: number; maxDepth_m: number; over15cm_s: number | null; over20cm_s: number | null; over27cm_s: number | null };

/**
 * Prone points a run floods past a threshold: the highest threshold each crosses, and in how many
 * seconds from run time `tNow` (0: already); soonest first, the deepest first among equals.
 */
export function outlookPoints(points: readonly Exceed[], names: ReadonlyMap<string, string>, tNow: number): CockpitOutlook['points'] {
  return points.flatMap((p) => {
    const hit = ([[27, p.over27cm_s], [20, p.over20cm_s], [15, p.over15cm_s]] as const).find(([, s]) => s !== null);
    return hit ? [{ name: names.get(p.id) ?? p.name, x: p.x, y: p.y, maxDepthM: p.maxDepth_m, thresholdCm: hit[0], inS: Math.max(0, hit[1]! - tNow) }] : [];
  }).sort((a, b) => a.inS - b.inS || b.maxDepthM - a.maxDepthM).slice(0, 50);
}
