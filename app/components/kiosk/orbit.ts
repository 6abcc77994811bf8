import { home } from '../../../scene/core/cameraMoves';
import type { TwinEngine } from '../../../scene/TwinEngine';

/** One turn around the city in two minutes: slow enough to read, fast enough to be seen moving. */
const ORBIT_RAD_PER_S = (2 * Math.PI) / 120;
/** camera steps at most this often (the globe redraws per step; software GL draws a few a second) */
const STEP_MS = 80;

/**
 * The attract loop's built-in part when no story is published: a slow orbit over the whole city,
 * from the view the reset flew to. Returns the stop function (no timer is left behind).
 */
export function startOrbit(engine: TwinEngine, delayMs = 0): () => void {
  let raf = 0, heading = 0, last = NaN, lastStep = 0;
  const t0 = performance.now() + delayMs;
  const step = (now: number) => {
    raf = requestAnimationFrame(step);
    if (now < t0) return;
    if (Number.isNaN(last)) last = now;
    heading += ((now - last) / 1000) * ORBIT_RAD_PER_S;
    last = now;
    if (now - lastStep < STEP_MS) return;
    lastStep = now;
    home(engine.cameraHost, 0, heading);
  };
  raf = requestAnimationFrame(step);
  return () => cancelAnimationFrame(raf);
}
