// Bounds on the time a report says it happened. A report dated far in the future would move the
// open history bucket for every city and hide its component's silence (staleness) for ever; one
// older than the retention window would be deleted again by the next retention pass.

export interface ReportTimeBounds {
  /** how far ahead of the server's clock a report may be (device clocks drift) */
  maxSkewMs: number;
  /** how far back a report may be (a gateway replaying its buffer after an outage) */
  maxAgeMs: number;
}

export const DEFAULT_REPORT_TIME_BOUNDS: ReportTimeBounds = { maxSkewMs: 120_000, maxAgeMs: 90 * 86_400_000 };

/** Why a report time is refused, or null when it is within the bounds. */
export function reportTimeProblem(atMs: number, nowMs: number, b: ReportTimeBounds): string | null {
  if (!Number.isFinite(atMs)) return `time ${atMs} is not a time`;
  if (atMs > nowMs + b.maxSkewMs) {
    return `time ${iso(atMs)} is ${fmt(atMs - nowMs)} ahead of the server clock (${iso(nowMs)}); at most ${fmt(b.maxSkewMs)} ahead is accepted`;
  }
  if (atMs < nowMs - b.maxAgeMs) {
    return `time ${iso(atMs)} is older than the ${fmt(b.maxAgeMs)} retention window (server clock ${iso(nowMs)})`;
  }
  return null;
}

function iso(ms: number) {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}

function fmt(ms: number) {
  const s = ms / 1000;
  if (s <= 120) return `${Math.round(s)} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86_400)} days`;
}
