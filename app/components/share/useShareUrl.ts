'use client';
import { useEffect, useRef } from 'react';
import { encodeViewState, type ViewState } from '../../../models/viewState';
import { LAYER_KEYS, type LayerKey, type Selection, type TwinEngine } from '../../../scene/TwinEngine';
import type { FloodRunState } from '../flood/useFloodRun';
import { useWorkspaceView, type WorkspaceView } from './workspaceView';

/** how often the URL follows the view (a throttle: replaceState at most this often) */
const WRITE_MS = 400;
/** a link whose run never shows (deleted, removed) stops holding the URL back after this */
const RESTORE_GIVE_UP_MS = 30_000;

function selectionOf(s: Selection): ViewState['selection'] {
  if (!s) return undefined;
  return s.kind === 'point' ? { kind: 'point', x: s.x, y: s.y } : { kind: s.kind, index: s.index };
}

/** What is on screen as a ViewState: the share link's, and a story scene's (app/components/story). */
export function viewStateOf(engine: TwinEngine, runId: string | undefined, v: WorkspaceView): ViewState {
  const t = engine.flood?.time() ?? NaN;
  return {
    scenario: v.scenario ?? undefined,
    run: runId,
    timeS: runId && Number.isFinite(t) ? t : undefined,
    camera: engine.cameraView(),
    layersOff: LAYER_KEYS.filter((k) => !engine.layers[k]),
    selection: selectionOf(engine.selection),
    compare: v.compareOpen && v.compare ? v.compare : undefined,
    compareView: v.compareOpen ? v.compareView : undefined,
    swipe: v.compareOpen ? v.swipe : undefined,
  };
}

/**
 * The share link: restores the view the page was opened with (camera, layers, selection at
 * once; the run's time once its frames are there) and then keeps the URL's query string equal to
 * what is on screen (history.replaceState, throttled), so copying the address shares the view.
 * The URL is left alone until the link's view has been restored, so defaults never overwrite it.
 */
export function useShareUrl(engine: TwinEngine | null, flood: FloodRunState) {
  const { view, initial } = useWorkspaceView();
  const viewRef = useRef(view);
  viewRef.current = view;
  const floodRef = useRef(flood);
  floodRef.current = flood;

  useEffect(() => {
    if (!engine) return;
    const start = performance.now();
    let cameraDone = !initial.camera, layersDone = !initial.layersOff, selDone = !initial.selection;
    let timeDone = initial.timeS === undefined || !initial.run;
    let last = location.search.replace(/^\?/, '');
    const tick = () => {
      const ready = engine.status.phase === 'ready';
      if (!cameraDone) { engine.setCameraView(initial.camera!); cameraDone = true; }
      if (!layersDone) {
        const off = new Set(initial.layersOff);
        engine.setInputs({ layers: Object.fromEntries(LAYER_KEYS.map((k) => [k, !off.has(k)])) as Record<LayerKey, boolean> });
        layersDone = true;
      }
      // selections index the city's data: after it has loaded
      if (!selDone && ready) { engine.select(initial.selection as Selection); selDone = true; }
      const f = engine.flood;
      if (!timeDone && f && f.run()?.id === initial.run && f.times().length) {
        f.setTime(initial.timeS!);
        timeDone = true;
      }
      const restoring = !(cameraDone && layersDone && selDone && timeDone);
      if (restoring && performance.now() - start < RESTORE_GIVE_UP_MS) return;
      const state = viewStateOf(engine, floodRef.current.run?.id, viewRef.current);
      // keep keys this page does not own (e.g. ?test) at the front
      const foreign = new URLSearchParams(location.search);
      for (const k of ['sc', 'run', 't', 'cam', 'off', 'sel', 'cmp', 'cv', 'sw']) foreign.delete(k);
      const q = [foreign.toString(), encodeViewState(state)].filter(Boolean).join('&');
      if (q === last) return;
      last = q;
      history.replaceState(history.state, '', `${location.pathname}${q ? `?${q}` : ''}${location.hash}`);
    };
    const timer = setInterval(tick, WRITE_MS);
    tick();
    return () => clearInterval(timer);
  }, [engine, initial]);
}
