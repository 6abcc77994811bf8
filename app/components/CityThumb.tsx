'use client';
import { useEffect, useRef } from 'react';
import { decodeLayer } from '../../models/layers';

/**
 * A small picture of a city drawn from its own layers (unit grids coloured by responsibility
 * grid, water, streets, buildings), so the list needs no stored images.
 */
/** The picture's fit of a city's local extent into W x H pixels (north up), both ways. */
export function thumbProjection([x0, y0, x1, y1]: [number, number, number, number], W: number, H: number) {
  const s = Math.min(W / (x1 - x0), H / (y1 - y0));
  const ox = (W - (x1 - x0) * s) / 2, oy = (H - (y1 - y0) * s) / 2;
  return {
    s,
    toPx: (x: number, y: number): [number, number] => [ox + (x - x0) * s, H - oy - (y - y0) * s],
    toLocal: (px: number, py: number): [number, number] => [x0 + (px - ox) / s, y0 + (H - oy - py) / s],
  };
}

export function CityThumb({ slug, extent, label, width = 360, height = 220 }: { slug: string; extent: [number, number, number, number]; label: string; width?: number; height?: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    let cancelled = false;
    const get = async (name: 'grids' | 'roads' | 'water' | 'buildings') => {
      const r = await fetch(`/api/layers/${encodeURIComponent(slug)}/${name}`);
      if (!r.ok) throw new Error(String(r.status));
      return r.arrayBuffer();
    };
    Promise.all([get('grids'), get('roads'), get('water'), get('buildings')]).then(([g, r, w, b]) => {
      const cv = ref.current;
      if (cancelled || !cv) return;
      const grids = decodeLayer('grids', g), roads = decodeLayer('roads', r), water = decodeLayer('water', w), bld = decodeLayer('buildings', b);
      const ctx = cv.getContext('2d')!;
      const W = cv.width, H = cv.height;
      const { s, toPx: P } = thumbProjection(extent, W, H);
      ctx.fillStyle = '#0b121b';
      ctx.fillRect(0, 0, W, H);
      const ring = (xy: Float32Array, a: number, e: number) => {
        ctx.beginPath();
        for (let v = a; v < e; v++) { const [px, py] = P(xy[2 * v]!, xy[2 * v + 1]!); if (v === a) ctx.moveTo(px, py); else ctx.lineTo(px, py); }
        ctx.closePath();
      };
      for (let k = 0; k < grids.count; k++) {
        ring(grids.xy, grids.start[k]!, grids.start[k + 1]!);
        // Responsibility grids in muted hues of their own: the five-colour palette means risk.
        ctx.fillStyle = `hsla(${(grids.responsibilityIndex[k]! * 47) % 360}, 30%, 50%, 0.22)`;
        ctx.fill();
        ctx.strokeStyle = 'rgba(200,215,230,0.25)';
        ctx.lineWidth = 0.6;
        ctx.stroke();
      }
      ctx.fillStyle = '#1b4f7a';
      for (let k = 0; k < water.count; k++) { ring(water.xy, water.start[k]!, water.start[k + 1]!); ctx.fill(); }
      ctx.strokeStyle = '#56636f';
      ctx.lineCap = 'round';
      for (let k = 0; k < roads.count; k++) {
        ctx.beginPath();
        for (let v = roads.start[k]!; v < roads.start[k + 1]!; v++) { const [px, py] = P(roads.xy[2 * v]!, roads.xy[2 * v + 1]!); if (v === roads.start[k]) ctx.moveTo(px, py); else ctx.lineTo(px, py); }
        ctx.lineWidth = Math.max(0.8, roads.width[k]! * s);
        ctx.stroke();
      }
      ctx.fillStyle = '#a9b8c8';
      for (let k = 0; k < bld.count; k++) { ring(bld.xy, bld.start[k]!, bld.start[k + 1]!); ctx.fill(); }
    }).catch(() => { /* the card still shows the summary */ });
    return () => { cancelled = true; };
  }, [slug, extent]);
  return <canvas ref={ref} width={width} height={height} className="city-thumb" role="img" aria-label={label} />;
}
