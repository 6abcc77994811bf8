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
