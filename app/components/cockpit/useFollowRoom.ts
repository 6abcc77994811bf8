'use client';
import { useEffect, useRef } from 'react';
import type { RoomState } from '../../../models/cockpit';
import { LAYER_KEYS, type LayerKey, type Selection, type TwinEngine } from '../../../scene/TwinEngine';
import { useTRPCClient } from '../../trpc';

/** how far a screen stands from what it flies to (m) */
export const FLY_COMPONENT_M = 60;
export const FLY_POINT_M = 400;
export const FLY_GRID_M = 250;

interface Applied { flySeq: number; layers: string; selection: string; camera: string; run: string; time: number }

/**
 * Makes the engine show a room's state: layers, selection, run and time, and the flight or the
 * exact camera. Each part is applied once per change (a screen's own motion is never fought);
 * parts that need the city or the run's frames wait for them (checked every 200 ms until done).
 */
export function useFollowRoom(engine: TwinEngine | null, state: RoomState | null) {
  const trpc = useTRPCClient();
  const applied = useRef<Applied>({ flySeq: 0, layers: '', selection: '', camera: '', run: '', time: NaN });
  const runLoading = useRef<string | null>(null);

  useEffect(() => {
    if (!engine || !state) return;
    const a = applied.current;
    const v = state.view;
    const step = (): boolean => {
      let done = true;
      const layers = (v.layersOff ?? []).slice().sort().join(',');
      if (layers !== a.layers) {
        const off = new Set(v.layersOff ?? []);
        engine.setInputs({ layers: Object.fromEntries(LAYER_KEYS.map((k) => [k, !off.has(k)])) as Record<LayerKey, boolean> });
        a.layers = layers;
      }
      // flights need the city and the Three layer's camera (the engine's first frame)
      const ready = engine.ready && !!engine.components;
      if (!ready) return false;
      const sel = JSON.stringify(v.selection ?? null);
      if (sel !== a.selection) { engine.select((v.selection ?? null) as Selection); a.selection = sel; }
      if (state.flySeq !== a.flySeq) {
        const f = state.fly;
        if (!f || f.kind === 'home') engine.home(0.8);
        else if (f.kind === 'component') engine.flyToComponent(f.index, FLY_COMPONENT_M);
        else if (f.kind === 'point') engine.flyToPoint(f.x, f.y, FLY_POINT_M);
        else { const p = engine.selectionPoint(); if (p) engine.flyToPoint(p.x, p.y, FLY_GRID_M); }
        a.flySeq = state.flySeq;
        a.camera = '';
      } else if (v.camera) {
        const cam = JSON.stringify(v.camera);
        if (cam !== a.camera) { engine.setCameraView(v.camera); a.camera = cam; }
      }
      const runId = v.run ?? '';
      const flood = engine.flood;
      if (runId !== a.run && flood) {
        if (!runId) { flood.show(null); a.run = ''; a.time = NaN; }
        else if (runLoading.current !== runId) {
          runLoading.current = runId;
          void trpc.run.get.query({ id: runId }).then((r) => {
            if (!r.grid) return;
            const duration = r.progress?.duration ?? r.outputInterval * Math.max(1, r.frameCount - 1);
            flood.show({ id: r.id, grid: r.grid, outputInterval: r.outputInterval, duration, status: r.status });
            a.run = r.id;
          }, () => { runLoading.current = null; });
          done = false;
        } else done = false;
      }
      if (runId && a.run === runId && v.timeS !== undefined && v.timeS !== a.time && flood) {
        if (flood.times().length) { flood.follow(false); flood.setTime(v.timeS); a.time = v.timeS; } else done = false;
      }
      return done;
    };
    if (step()) return;
    const timer = setInterval(() => { if (step()) clearInterval(timer); }, 200);
    return () => clearInterval(timer);
  }, [engine, state, trpc]);
}
