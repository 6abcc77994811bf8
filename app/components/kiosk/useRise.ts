'use client';
import { useEffect, useState } from 'react';
import type { KioskStorm } from '../../../models/kiosk';
import type { TwinEngine } from '../../../scene/TwinEngine';

/** the rise from dry to the deepest moment takes about this long, whatever the storm's length */
const RISE_MS = 9000;
/** then the deepest moment stays this long before the water rises again */
const HOLD_MS = 5000;

export interface Readout {
  /** depth at the spot in the shown frame (m), NaN before frames */
  depthM: number;
  /** the shown frame's time in the storm (s) */
  t: number;
  /** deepest at the spot over the whole storm (m) */
  peakM: number;
  loading: boolean;
  error: string | null;
}

const EMPTY: Readout = { depthM: NaN, t: NaN, peakM: NaN, loading: false, error: null };

/**
 * "Flood my street": shows the storm's run on the existing flood layer and lets its water rise at
 * the spot from the first frame to the spot's deepest one, holds, and rises again; the readout
 * follows the shown frame (depth by the layer's own depth sampling). One interval, cleared on
 * every change and on unmount; the flood is hidden when there is no spot.
 */
export function useRise(engine: TwinEngine | null, storm: KioskStorm | null, spot: { x: number; y: number } | null): Readout {
  const [r, setR] = useState<Readout>(EMPTY);
  useEffect(() => {
    const flood = engine?.flood;
    if (!flood || !storm || !spot) {
      flood?.show(null);
      setR(EMPTY);
      return;
    }
    flood.show({ id: storm.runId, grid: storm.grid, outputInterval: storm.outputInterval, duration: storm.durationS, status: 'succeeded' });
    let peakIdx = -1, peakM = NaN, i = 0, nextAt = 0;
    setR({ ...EMPTY, loading: true });
    const iv = setInterval(() => {
      const times = flood.times();
      if (!times.length) {
        const error = flood.error();
        setR((o) => (o.error === error && o.loading === !error ? o : { ...EMPTY, loading: !error, error }));
        return;
      }
      if (peakIdx < 0) {
        const s = flood.seriesAt(spot.x, spot.y);
        peakIdx = 0; peakM = 0;
        for (let k = 0; k < s.depthM.length; k++) if (s.depthM[k]! > peakM + 1e-4) { peakM = s.depthM[k]!; peakIdx = k; }
        // a dry spot still shows the storm going by (to its end)
        if (peakM < 0.02) peakIdx = times.length - 1;
      }
      const now = performance.now();
      if (now < nextAt) return;
      flood.setTime(times[i]!);
      setR({ depthM: flood.depthAt(spot.x, spot.y), t: flood.time(), peakM, loading: false, error: null });
      if (i >= peakIdx) { i = 0; nextAt = now + HOLD_MS; } else { i++; nextAt = now + RISE_MS / Math.max(1, peakIdx); }
    }, 100);
    return () => clearInterval(iv);
  }, [engine, storm, spot]);
  return r;
}
