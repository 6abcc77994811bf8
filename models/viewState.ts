import { z } from 'zod';

/**
 * What a planner sees in the twin, as it travels in a share link's query string (the city is the
 * path: /twin/<city>?...). The twin writes it as the view changes and reads it at start; kiosk and
 * story links reuse the same codec. Pure: parse and write here, nowhere else.
 *
 *   sc   scenario id          run   shown run id         t    simulated time (s)
 *   cam  lon,lat,h,heading,pitch,roll (degrees, metres, degrees)
 *   off  layers switched off (comma list)                sel  c:<i> g:<i> b:<i> p:<x>,<y>
 *   cmp  compared run (A)    cv    diff | split | swipe  sw   swipe position 0-1
 */

const uuid = z.string().uuid();

export const cameraViewSchema = z.object({
  lonDeg: z.number().min(-180).max(180),
  latDeg: z.number().min(-90).max(90),
  heightM: z.number().min(-1000).max(1e7),
  headingDeg: z.number().min(-360).max(720),
  pitchDeg: z.number().min(-90).max(90),
  rollDeg: z.number().min(-360).max(720),
});
export type CameraView = z.infer<typeof cameraViewSchema>;

export const viewSelectionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.enum(['component', 'grid', 'building']), index: z.number().int().nonnegative() }),
  z.object({ kind: z.literal('point'), x: z.number(), y: z.number() }),
]);
export type ViewSelection = z.infer<typeof viewSelectionSchema>;

export const COMPARE_VIEWS = ['diff', 'split', 'swipe'] as const;
export type CompareView = (typeof COMPARE_VIEWS)[number];

export const viewStateSchema = z.object({
  scenario: uuid.optional(),
  run: uuid.optional(),
  timeS: z.number().nonnegative().optional(),
  camera: cameraViewSchema.optional(),
  layersOff: z.array(z.string().regex(/^[a-z]{1,32}$/)).max(32).optional(),
  selection: viewSelectionSchema.optional(),
  compare: uuid.optional(),
  compareView: z.enum(COMPARE_VIEWS).optional(),
  swipe: z.number().min(0).max(1).optional(),
});
export type ViewState = z.infer<typeof viewStateSchema>;

const SEL_KIND = { c: 'component', g: 'grid', b: 'building' } as const;
const SEL_CODE = { component: 'c', grid: 'g', building: 'b' } as const;

/** fixed decimals without trailing zeros: short links, stable strings */
function fmt(v: number, decimals: number): string {
  const s = v.toFixed(decimals);
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

function nums(s: string, n: number): number[] | null {
  const parts = s.split(',');
  if (parts.length !== n || parts.some((p) => p.trim() === '')) return null;
  const v = parts.map(Number);
  return v.every(Number.isFinite) ? v : null;
}

/** Query string (without "?") in a fixed key order; only the fields that are set. */
export function encodeViewState(v: ViewState): string {
  const p = new URLSearchParams();
  if (v.scenario) p.set('sc', v.scenario);
  if (v.run) p.set('run', v.run);
  if (v.timeS !== undefined) p.set('t', fmt(v.timeS, 1));
  const c = v.camera;
  // 1e-7 degrees is about 1 cm; angles to 0.01 degrees
  if (c) p.set('cam', [fmt(c.lonDeg, 7), fmt(c.latDeg, 7), fmt(c.heightM, 1), fmt(c.headingDeg, 2), fmt(c.pitchDeg, 2), fmt(c.rollDeg, 2)].join(','));
  if (v.layersOff?.length) p.set('off', [...v.layersOff].sort().join(','));
  const s = v.selection;
  if (s) p.set('sel', s.kind === 'point' ? `p:${fmt(s.x, 1)},${fmt(s.y, 1)}` : `${SEL_CODE[s.kind]}:${s.index}`);
  if (v.compare) p.set('cmp', v.compare);
  if (v.compareView && v.compareView !== 'diff') p.set('cv', v.compareView);
  if (v.swipe !== undefined && v.compareView === 'swipe') p.set('sw', fmt(v.swipe, 3));
  // commas are safe in a query string: keep them readable
  return p.toString().replace(/%2C/gi, ',').replace(/%3A/gi, ':');
}

/**
 * Reads a query string ("?a=b&..." or "a=b&..."). A field that does not parse is left out and
 * named in `errors` (key, value, why), so a link with one damaged field still opens the rest.
 * Unknown keys (e.g. ?test) are ignored.
 */
export function decodeViewState(search: string): { state: ViewState; errors: string[] } {
  const p = new URLSearchParams(search.startsWith('?') ? search.slice(1) : search);
  const raw: Record<string, unknown> = {};
  const errors: string[] = [];
  const bad = (key: string, why: string) => errors.push(`${key}=${p.get(key)}: ${why}`);
  const id = (key: string, field: keyof ViewState) => {
    const s = p.get(key);
    if (s === null) return;
    if (uuid.safeParse(s).success) raw[field] = s;
    else bad(key, 'not a UUID');
  };
  id('sc', 'scenario');
  id('run', 'run');
  id('cmp', 'compare');
  const t = p.get('t');
  if (t !== null) raw.timeS = t.trim() === '' ? NaN : Number(t);
  const cam = p.get('cam');
  if (cam !== null) {
    const v = nums(cam, 6);
    if (v) raw.camera = { lonDeg: v[0], latDeg: v[1], heightM: v[2], headingDeg: v[3], pitchDeg: v[4], rollDeg: v[5] };
    else bad('cam', 'six numbers expected: lon,lat,height,heading,pitch,roll');
  }
  const off = p.get('off');
  if (off !== null) raw.layersOff = off.split(',').filter(Boolean);
  const sel = p.get('sel');
  if (sel !== null) {
    const m = /^([cgbp]):(.+)$/.exec(sel);
    if (m?.[1] === 'p') {
      const v = nums(m[2]!, 2);
      if (v) raw.selection = { kind: 'point', x: v[0], y: v[1] };
      else bad('sel', 'p:<x>,<y> expected');
    } else if (m && /^\d+$/.test(m[2]!)) raw.selection = { kind: SEL_KIND[m[1] as 'c' | 'g' | 'b'], index: Number(m[2]) };
    else bad('sel', 'c:<i>, g:<i>, b:<i> or p:<x>,<y> expected');
  }
  const cv = p.get('cv');
  if (cv !== null) raw.compareView = cv;
  const sw = p.get('sw');
  if (sw !== null) raw.swipe = sw.trim() === '' ? NaN : Number(sw);
  // each field on its own: one bad value drops that field, not the link
  const state: Record<string, unknown> = {};
  const shape = viewStateSchema.shape;
  const KEY: Record<string, string> = { scenario: 'sc', run: 'run', timeS: 't', camera: 'cam', layersOff: 'off', selection: 'sel', compare: 'cmp', compareView: 'cv', swipe: 'sw' };
  for (const [k, v] of Object.entries(raw)) {
    const r = shape[k as keyof typeof shape].safeParse(v);
    if (r.success) state[k] = r.data;
    else bad(KEY[k]!, r.error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; '));
  }
  return { state: state as ViewState, errors };
}

/** Same view (the camera within about a centimetre and a hundredth of a degree). */
export function sameViewState(a: ViewState, b: ViewState): boolean {
  return encodeViewState(a) === encodeViewState(b);
}
