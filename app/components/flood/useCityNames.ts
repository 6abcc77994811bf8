'use client';
import { skipToken, useQuery } from '@tanstack/react-query';
import { decodeLayer } from '../../../models/layers';

export interface CityNames {
  road(roadId: number): { zh: string; en: string } | undefined;
  prone(id: string): { zh: string; en: string } | undefined;
}

async function layer<N extends 'roads' | 'prone'>(city: string, name: N) {
  const r = await fetch(`/api/layers/${encodeURIComponent(city)}/${name}`);
  if (!r.ok) throw new Error(`${name}: HTTP ${r.status}`);
  return decodeLayer(name, await r.arrayBuffer());
}

/**
 * Both names of roads and prone points. The impact list carries their Chinese names only; the
 * English UI takes the other from the city's layers (the files the engine loaded, so the
 * browser's cache answers). Road ids are indices into the roads layer.
 */
export function useCityNames(city: string, enabled: boolean): CityNames | null {
  const q = useQuery({
    queryKey: ['city-names', city],
    queryFn: enabled ? async () => {
      const [roads, prone] = await Promise.all([layer(city, 'roads'), layer(city, 'prone')]);
      const byId = new Map(prone.ids.map((id, k) => [id, prone.names[k]!]));
      return { road: (i: number) => roads.names[i], prone: (id: string) => byId.get(id) } satisfies CityNames;
    } : skipToken,
    staleTime: Infinity,
  });
  return q.data ?? null;
}
