'use client';
import dynamic from 'next/dynamic';
import { useEffect, useRef, useState, type PointerEvent as RPointerEvent } from 'react';
import type { RunRecord } from '../../../models/runs';
import type { CompareView } from '../../../models/viewState';
import { linkCameras } from '../../../scene/core/cameraView';
import type { TwinCityInfo, TwinEngine } from '../../../scene/TwinEngine';
import { useI18n } from '../../i18n';
import { useEngineSelector } from '../useEngine';

const TwinView = dynamic(() => import('../../../scene/TwinView'), { ssr: false });

/**
 * Run A beside run B (the page's own view, which shows B): a second engine showing A, its camera
 * locked to the first (scene/core/cameraView.ts linkCameras), the same time step and layers.
 * `split`: A on the left half, B on the right; `swipe`: A drawn over B and clipped at the divider.
 */
export function CompareViews({ info, engine, runA, runB, mode, swipe, onSwipe }: {
  info: TwinCityInfo; engine: TwinEngine; runA: RunRecord; runB: RunRecord; mode: Exclude<CompareView, 'diff'>;
  swipe: number; onSwipe(v: number): void;
}) {
  const { t } = useI18n();
  const [peer, setPeer] = useState<TwinEngine | null>(null);
  const peerReady = useEngineSelector(peer, (e) => e.status.phase === 'ready');
  const wrap = useRef<HTMLDivElement>(null);

  // cameras locked together both ways; the page's engine knows its peer (test hooks, measuring)
  useEffect(() => {
    if (!peer) return;
    engine.peer = peer;
    const unlink = linkCameras(engine.globe.scene, peer.globe.scene);
    return () => { unlink(); if (engine.peer === peer) engine.peer = null; };
  }, [engine, peer]);

  // run A in the second view, at the first view's time step and with its layers
  useEffect(() => {
    const f = peer?.flood;
    if (!peer || !peerReady || !f || !runA.grid) return;
    const duration = runA.progress?.duration ?? runA.outputInterval * Math.max(1, runA.frameCount - 1);
    f.show({ id: runA.id, grid: runA.grid, outputInterval: runA.outputInterval, duration, status: runA.status });
    let lastT = NaN, lastLayers: unknown = null;
    // a click in either view selects in both (one inspector, both views outline it)
    let lastSel = JSON.stringify(engine.selection);
    let lastCount = f.times().length;
    const sync = () => {
      const t = engine.flood?.time() ?? NaN;
      if (Number.isFinite(t) && t !== lastT && f.times().length) { lastT = t; f.setTime(t); }
      if (engine.layers !== lastLayers) { lastLayers = engine.layers; peer.setInputs({ layers: engine.layers }); }
      const sel = JSON.stringify(engine.selection);
      if (sel !== lastSel) { lastSel = sel; peer.select(engine.selection); }
    };
    sync();
    peer.select(engine.selection);
    const off = engine.subscribe(sync);
    const offPeer = peer.subscribe(() => {
      const sel = JSON.stringify(peer.selection);
      if (sel !== lastSel) { lastSel = sel; engine.select(peer.selection); }
      // A's frames arrive on their own: catch up with B's time when more have come
      if (f.times().length !== lastCount) { lastCount = f.times().length; lastT = NaN; }
      sync();
    });
    return () => { off(); offPeer(); };
  }, [engine, peer, peerReady, runA]);

  // the page's view gives the left half to A while split (Cesium and R3F follow their containers)
  useEffect(() => {
    const stage = wrap.current?.parentElement;
    stage?.classList.toggle('compare-split', mode === 'split');
    engine.requestRender();
    return () => { stage?.classList.remove('compare-split'); engine.requestRender(); };
  }, [engine, mode]);

  const drag = (e: RPointerEvent<HTMLDivElement>) => {
    if (e.buttons !== 1 && e.type !== 'pointerdown') return;
    const r = wrap.current?.parentElement?.getBoundingClientRect();
    if (!r) return;
    if (e.type === 'pointerdown') e.currentTarget.setPointerCapture(e.pointerId);
    onSwipe(Math.min(1, Math.max(0, (e.clientX - r.left) / r.width)));
  };
  const clip = mode === 'swipe' ? { clipPath: `inset(0 ${(1 - swipe) * 100}% 0 0)` } : undefined;
  return (
    <div ref={wrap} className={`compare-views ${mode}`} data-testid="compare-views" data-mode={mode} style={mode === 'swipe' ? { ['--swipe' as string]: `${swipe * 100}%` } : undefined}>
      <TwinView info={info} onEngine={setPeer} second className={`compare-a ${mode}`} style={clip} />
      {!peerReady && <div className="overlay-msg compare-loading">{t('cmpview.loading')}</div>}
      <span className="compare-tag a">A · {runA.scenarioName}</span>
      <span className="compare-tag b">B · {runB.scenarioName}</span>
      {mode === 'split' && <div className="compare-divider" />}
      {mode === 'swipe' && (
        <div className="compare-swipe" data-testid="compare-swipe" style={{ left: `${swipe * 100}%` }} title={t('cmpview.handle')}
          onPointerDown={drag} onPointerMove={drag}><span aria-hidden>⇔</span></div>
      )}
    </div>
  );
}
