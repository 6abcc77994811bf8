/// <reference lib="webworker" />
import { decodeLayer, LAYER_NAMES, type CityLayers, type LayerName } from '../../models/layers';
import { prepareCity, transferablesOf } from './prepare';

// Fetches the city's binary layers, decodes them and builds the render buffers (terrain mesh,
// merged buildings, road/water mask, grid id raster) off the main thread; the result's typed
// arrays are transferred, not copied.

interface Req { id: number; origin: string; city: string }

const scope = self as unknown as { onmessage: ((e: MessageEvent<Req>) => void) | null; postMessage(m: unknown, t: Transferable[]): void };

scope.onmessage = async (e) => {
  const { id, origin, city } = e.data;
  try {
    const timings: Record<string, number> = {};
    const bytes: Partial<Record<LayerName, number>> = {};
    const t0 = performance.now();
    const entries = await Promise.all(LAYER_NAMES.map(async (name) => {
      const s = performance.now();
      const res = await fetch(`${origin}/api/layers/${encodeURIComponent(city)}/${name}`);
      if (!res.ok) throw new Error(`layer ${name}: HTTP ${res.status} ${await res.text().catch(() => '')}`.trim());
      const buf = await res.arrayBuffer();
      timings[`fetch.${name}`] = performance.now() - s;
      bytes[name] = buf.byteLength;
      const d = performance.now();
      const layer = decodeLayer(name, buf);
      timings[`decode.${name}`] = performance.now() - d;
      return [name, layer] as const;
    }));
    timings['fetchDecode.total'] = performance.now() - t0;
    const layers = Object.fromEntries(entries) as unknown as CityLayers;
    const p0 = performance.now();
    const prepared = prepareCity(layers, timings);
    timings['prepare.total'] = performance.now() - p0;
    const out = { ...prepared, bytes };
    scope.postMessage({ id, ok: true, city: out }, transferablesOf(out));
  } catch (err) {
    scope.postMessage({ id, ok: false, error: err instanceof Error ? err.message : String(err) }, []);
  }
};
