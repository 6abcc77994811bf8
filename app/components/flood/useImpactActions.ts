'use client';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useRef } from 'react';
import { decodeLayer } from '../../../models/layers';
import type { TwinEngine } from '../../../scene/TwinEngine';
import { useTRPC } from '../../trpc';
import type { ImpactTarget } from './impactRows';

/**
 * A click on an impact row: the camera flies there and the thing is selected, so the inspector
 * shows its depth over time. Unit grids are found by code in the city's grids layer (the same
 * file the engine loaded, so the browser's cache answers).
 */
export function useImpactActions(city: string, engine: TwinEngine | null) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const grids = useRef<Promise<{ codes: string[]; centroid: Float32Array }> | null>(null);
  return useCallback(async (target: ImpactTarget) => {
    if (!engine) return;
    const e = engine;
    e.highlightSegment(null);
    switch (target.kind) {
      case 'point':
        e.select({ kind: 'point', x: target.x, y: target.y });
        e.flyToPoint(target.x, target.y, 180);
        return;
      case 'segment': {
        const x = (target.from[0] + target.to[0]) / 2, y = (target.from[1] + target.to[1]) / 2;
        e.select({ kind: 'point', x, y });
        e.highlightSegment(target.from, target.to);
        e.flyToPoint(x, y, 220);
        return;
      }
      case 'building': {
        e.select({ kind: 'building', index: target.index });
        const p = e.selectionPoint();
        if (p) e.flyToPoint(p.x, p.y, 200);
        return;
      }
      case 'component': {
        e.flyToPoint(target.x, target.y, 60);
        const d = await qc.fetchQuery(trpc.component.byCode.queryOptions({ city, code: target.code }));
        e.select({ kind: 'component', index: d.index });
        return;
      }
      case 'grid': {
        grids.current ??= fetch(`/api/layers/${encodeURIComponent(city)}/grids`)
          .then((r) => { if (!r.ok) throw new Error(`grids: HTTP ${r.status}`); return r.arrayBuffer(); })
          .then((b) => decodeLayer('grids', b));
        const g = await grids.current;
        const k = g.codes.indexOf(target.code);
        if (k < 0) return;
        e.select({ kind: 'grid', index: k });
        e.flyToPoint(g.centroid[2 * k]!, g.centroid[2 * k + 1]!, 400);
      }
    }
  }, [city, engine, qc, trpc]);
}
