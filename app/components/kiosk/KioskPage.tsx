'use client';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import dynamic from 'next/dynamic';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { KIOSK_IDLE_DEFAULT_S, type KioskStorm } from '../../../models/kiosk';
import { eyeLevelAt } from '../../../scene/core/cameraMoves';
import type { PersonLayer } from '../../../scene/person/personLayer';
import { LAYER_KEYS } from '../../../scene/core/types';
import type { TwinCityInfo, TwinEngine } from '../../../scene/TwinEngine';
import { useI18n, type Lang } from '../../i18n';
import { useTRPC } from '../../trpc';
import { useEngineSelector } from '../useEngine';
import { Attract } from './Attract';
import { FloodReadout, StormPicker } from './FloodMyStreet';
import type { KioskHooks } from './kioskHooks';
import { streetPoint } from './streetPoint';
import { useIdle } from './useIdle';
import { useKioskGuards } from './useKioskGuards';
import { useRise } from './useRise';

const TwinView = dynamic(() => import('../../../scene/TwinView'), { ssr: false });

/** a city that failed to load (the server away at start) is tried again after this long */
const RELOAD_AFTER_MS = 10_000;

/**
 * The exhibition kiosk (/kiosk/<city>): the twin full screen for touch, read-only. Visitors turn
 * and zoom the city, tap a place to see a storm's water rise against a person there, switch the
 * language and the text size. Nobody touching it for the idle time (an administrator's setting)
 * resets everything and starts the attract loop; the next touch hands it back.
 */
export function KioskPage({ city, restLang }: { city: string; restLang: Lang }) {
  const { t, pick, lang, setLang } = useI18n();
  const trpc = useTRPC();
  const qc = useQueryClient();
  // kept while the server is away (no error replaces data that was had); polled for changes
  const cityQ = useQuery(trpc.city.get.queryOptions({ city }, { staleTime: Infinity, retry: 5, retryDelay: 3000 }));
  const cfgQ = useQuery(trpc.kiosk.config.queryOptions({ city }, { refetchInterval: 60_000, retry: 2, staleTime: 30_000 }));
  const [engine, setEngine] = useState<TwinEngine | null>(null);
  const [attempt, setAttempt] = useState(0);
  const phase = useEngineSelector(engine, (e) => e.status.phase);
  const connection = useEngineSelector(engine, (e) => e.status.connection);
  const [large, setLarge] = useState(false);
  const [attract, setAttract] = useState(false);
  const [spot, setSpot] = useState<{ x: number; y: number } | null>(null);
  const [stormIdx, setStormIdx] = useState(0);
  const resets = useRef(0);
  useKioskGuards();

  const storms = cfgQ.data?.storms ?? NO_STORMS;
  const storm: KioskStorm | null = storms[Math.min(stormIdx, storms.length - 1)] ?? null;
  const readout = useRise(engine, storm, spot);

  const info = useMemo<TwinCityInfo | null>(() => (cityQ.data ? {
    slug: cityQ.data.slug, originLonDeg: cityQ.data.originLonDeg, originLatDeg: cityQ.data.originLatDeg,
    originHeightM: cityQ.data.originHeightM, extent: cityQ.data.extent, tilesets: cityQ.data.tilesets,
  } : null), [cityQ.data]);

  // the city failed to load (server away when the kiosk started): try again by itself
  useEffect(() => {
    if (phase !== 'error') return;
    const id = setTimeout(() => setAttempt((a) => a + 1), RELOAD_AFTER_MS);
    return () => clearTimeout(id);
  }, [phase]);

  /** back to how a new visitor finds it: language, text size, place, storm, selection, camera */
  const reset = useCallback((cameraS: number) => {
    resets.current++;
    setLang(restLang);
    setLarge(false);
    setSpot(null);
    setStormIdx(0);
    if (engine) {
      engine.select(null);
      leaveStreet(engine);
      engine.flood?.show(null);
      engine.home(cameraS);
    }
  }, [engine, restLang, setLang]);

  // the kiosk starts as a visitor would find it (a remembered language is not kept)
  useEffect(() => { setLang(restLang); }, [restLang, setLang]);

  const clock = useIdle((cfgQ.data?.idleS ?? KIOSK_IDLE_DEFAULT_S) * 1000, !attract && phase === 'ready', () => {
    reset(1.5);
    setAttract(true);
  });

  const floodAt = useCallback((p: { x: number; y: number }) => {
    if (!engine) return;
    setSpot(p);
    engine.layer<PersonLayer>('person')?.place(p);
    // the prone points' pins would stand in the figure's place: the figure is the marker here
    if (engine.layers.prone) engine.setLayer('prone', false);
    eyeLevelAt(engine.cameraHost, p.x, p.y, 8, 2);
  }, [engine]);

  // one finger orbits, two pinch; the city stays in reach (from 3 m, which also keeps Cesium's
  // collision check from lifting an eye-level camera, to about twice the city's size)
  useEffect(() => {
    if (!engine) return;
    const [x0, y0, x1, y1] = engine.info.extent;
    engine.globe.kioskGestures(3, 2.5 * Math.hypot(x1 - x0, y1 - y0));
  }, [engine]);

  // a tap on the city is "flood my street" there (the twin's selection is not used here)
  const attractRef = useRef(attract);
  attractRef.current = attract;
  useEffect(() => {
    if (!engine) return;
    engine.onTap = (x, y) => {
      if (attractRef.current) return true;
      const hit = engine.hitAt(x, y);
      if (hit) floodAt(streetPoint(engine, hit));
      return true;
    };
    return () => { engine.onTap = null; };
  }, [engine, floodAt]);

  // test hooks (window.__kiosk): fetched only when a test asks
  const hooks = useRef<KioskHooks | null>(null);
  hooks.current = {
    attract: () => attract, resets: () => resets.current, idleNow: () => { clock.last = -Infinity; },
    floodAt: (x, y) => floodAt({ x, y }), spot: () => spot,
    person: () => engine?.layer<PersonLayer>('person')?.position() ?? null,
    readout: () => ({ depthM: readout.depthM, t: readout.t, peakM: readout.peakM, runId: spot ? storm?.runId ?? null : null }),
    storms: () => storms.map((s) => ({ runId: s.runId, en: s.label.en })), chooseStorm: (i) => setStormIdx(i), large: () => large,
    reloadConfig: () => Promise.all([cfgQ.refetch(), qc.invalidateQueries({ queryKey: trpc.stories.published.queryKey({ city }) })]).then(() => undefined),
  };
  useEffect(() => {
    if (!window.__TWIN_TEST__) return;
    let off: (() => void) | null = null, gone = false;
    const proxy = new Proxy({} as KioskHooks, { get: (_, k) => hooks.current![k as keyof KioskHooks] });
    void import('./kioskHooks').then((m) => { if (!gone) off = m.installKioskHooks(proxy); });
    return () => { gone = true; off?.(); };
  }, []);

  // the visitor takes over where the loop is: a story's layers, water and selection are cleared
  const wake = () => {
    setAttract(false);
    if (!engine) return;
    engine.select(null);
    engine.flood?.show(null);
    for (const k of LAYER_KEYS) if (!engine.layers[k]) engine.setLayer(k, true);
  };

  return (
    <div className={`kiosk${large ? ' large' : ''}`} data-testid="kiosk" data-attract={attract ? '1' : '0'} lang={lang === 'zh' ? 'zh-CN' : 'en'}>
      {info && <TwinView key={attempt} info={info} onEngine={setEngine} />}
      <header className="kiosk-title">
        <h1>{cityQ.data ? pick(cityQ.data.name) : ''}</h1>
        <p>{t('kiosk.title')}</p>
      </header>
      {(!info || (phase !== 'ready' && phase !== 'error')) && <div className="kiosk-msg" data-testid="kiosk-loading">{t('kiosk.cityLoading')}</div>}
      {connection === 'offline' && <div className="kiosk-offline" role="status">{t('kiosk.offline')}</div>}
      <div className="kiosk-tools" hidden={attract}>
        <button type="button" className="k-btn" data-testid="kiosk-lang" aria-label={t('kiosk.langLabel')} onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}>{t('kiosk.lang')}</button>
        <button type="button" className={`k-btn${large ? ' on' : ''}`} data-testid="kiosk-large" aria-pressed={large} aria-label={t('kiosk.largeLabel')} onClick={() => setLarge((v) => !v)}>
          <span aria-hidden className="k-aa">A<small>A</small></span> {t('kiosk.large')}
        </button>
        <button type="button" className="k-btn" data-testid="kiosk-home" onClick={() => { setSpot(null); if (engine) { leaveStreet(engine); engine.home(1.2); } }}>
          <svg width="26" height="26" viewBox="0 0 24 24" aria-hidden fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round"><path d="M3 11l9-7 9 7" /><path d="M5 10v10h5v-6h4v6h5V10" /></svg>
          {t('kiosk.home')}
        </button>
      </div>
      {attract ? null : spot ? (
        <>
          <FloodReadout readout={readout} storm={storm} />
          <StormPicker storms={storms} chosen={storm} onChoose={(i) => setStormIdx(i)} />
        </>
      ) : (
        <p className="kiosk-hint" data-testid="kiosk-hint">{t('kiosk.hint')}<br /><span>{t('kiosk.gestures')}</span></p>
      )}
      {attract && <Attract city={city} engine={engine} ready={phase === 'ready'} onWake={wake} />}
    </div>
  );
}

const NO_STORMS: KioskStorm[] = [];

/** the figure gone and the prone points back (the water goes with the spot, useRise) */
function leaveStreet(engine: TwinEngine) {
  engine.layer<PersonLayer>('person')?.place(null);
  if (!engine.layers.prone) engine.setLayer('prone', true);
}
