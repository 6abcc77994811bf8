import type { PreparedCity } from './prepare';

/** Loads and prepares a city's layers in a Web Worker (fetch + decode + geometry off the main thread). */
export function loadCity(city: string): Promise<PreparedCity> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./layers.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent<{ ok: true; city: PreparedCity } | { ok: false; error: string }>) => {
      worker.terminate();
      if (e.data.ok) resolve(e.data.city);
      else reject(new Error(e.data.error));
    };
    worker.onerror = (e) => {
      worker.terminate();
      reject(new Error(`layer worker failed: ${e.message || 'unknown error'}`));
    };
    worker.postMessage({ id: 1, origin: location.origin, city });
  });
}

const early = new Map<string, { at: number; city: Promise<PreparedCity> }>();

/**
 * Starts loading a city before the engine exists (the page calls this as soon as it knows the
 * city, while the 3D code and Cesium are still loading); the engine's load() takes it over.
 * This module is small on purpose: importing it does not pull in the 3D code.
 */
export function prefetchCity(city: string): void {
  if (typeof window === 'undefined' || early.has(city)) return;
  const p = loadCity(city);
  p.catch(() => early.delete(city));
  early.set(city, { at: performance.now(), city: p });
}

/** The prefetched load of a city (once), with when it started, or null. */
export function takePrefetched(city: string): { at: number; city: Promise<PreparedCity> } | null {
  const e = early.get(city) ?? null;
  early.delete(city);
  return e;
}
