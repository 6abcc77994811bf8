'use client';
import { useQuery } from '@tanstack/react-query';
import dynamic from 'next/dynamic';
import { useEffect, useLayoutEffect, useMemo, useState } from 'react';
import { prefetchCity } from '../../../scene/data/loadCity';
import type { TwinCityInfo, TwinEngine } from '../../../scene/TwinEngine';
import type { CockpitAlert } from '../../../models/cockpit';
import { roomCodeSchema } from '../../../models/cockpit';
import { isLang } from '../../i18n/lang';
import { useTRPC } from '../../trpc';
import { useEngineSelector } from '../useEngine';
import { CaseCharts } from './CaseCharts';
import { KpiCards, kpiValues } from './KpiCards';
import { AlertFeed, FiveLegend, Gauges, Outlook } from './SidePanels';
import { cockpitText, useCockpitSummary, type CockpitText } from './useCockpitSummary';
import { FLY_COMPONENT_M, useFollowRoom } from './useFollowRoom';
import { usePresentRoom } from './usePresentRoom';

import { EvacuationFeed } from '../warnings/EvacuationFeed';
const TwinView = dynamic(() => import('../../../scene/TwinView'), { ssr: false });

/** the design canvas: every size on the cockpit is in these pixels */
export const DESIGN_W = 1920;
export const DESIGN_H = 1080;

/** Scale and offset of the design canvas on this screen: fit inside, centred (letterboxed). */
export function fitCanvas(w: number, h: number): { scale: number; left: number; top: number } {
  const scale = Math.min(w / DESIGN_W, h / DESIGN_H);
  return { scale, left: Math.round((w - DESIGN_W * scale) / 2), top: Math.round((h - DESIGN_H * scale) / 2) };
}

function useFit() {
  const [fit, setFit] = useState({ scale: 1, left: 0, top: 0 });
  useLayoutEffect(() => {
    const on = () => setFit(fitCanvas(window.innerWidth, window.innerHeight));
    on();
    window.addEventListener('resize', on);
    return () => window.removeEventListener('resize', on);
  }, []);
  return fit;
}

function Clock({ x }: { x: CockpitText }) {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  if (now === null) return <span className="cp-clock" />;
  const d = new Date(now);
  return <span className="cp-clock">{d.toLocaleDateString(x.lang === 'zh' ? 'zh-CN' : 'en-GB', { month: 'long', day: 'numeric', weekday: 'short' })} {d.toLocaleTimeString('en-GB')}</span>;
}

/**
 * The briefing-room big screen. The 3D twin fills the screen at its own resolution, outside the
 * scaled layer (Cesium's picking goes wrong under a CSS transform); the panels are laid out on a
 * 1920x1080 canvas scaled to fit. With ?room=<code> it follows a presenter and shows no controls.
 */
export function CockpitPage({ city, room: roomParam, lang: langParam }: { city: string; room?: string; lang?: string }) {
  const x = useMemo(() => cockpitText(isLang(langParam) ? langParam : 'zh'), [langParam]);
  const code = roomParam ? roomCodeSchema.safeParse(roomParam) : null;
  const room = code?.success ? code.data : null;
  const trpc = useTRPC();
  const q = useQuery(trpc.city.get.queryOptions({ city }));
  const [engine, setEngine] = useState<TwinEngine | null>(null);
  useEffect(() => { prefetchCity(city); }, [city]);
  const phase = useEngineSelector(engine, (e) => e.status.phase);
  const info = useMemo<TwinCityInfo | null>(() => (q.data ? {
    slug: q.data.slug, originLonDeg: q.data.originLonDeg, originLatDeg: q.data.originLatDeg,
    originHeightM: q.data.originHeightM, extent: q.data.extent, tilesets: q.data.tilesets,
  } : null), [q.data]);
  const fit = useFit();
  const { summary, history } = useCockpitSummary(city, kpiValues);
  const present = usePresentRoom(city, room, 'follow');
  useFollowRoom(engine, present.state);
  useEffect(() => { document.documentElement.lang = x.lang === 'zh' ? 'zh-CN' : 'en'; }, [x.lang]);
  const onFly = (a: CockpitAlert) => engine?.flyToComponent(a.index, FLY_COMPONENT_M);
  const st = present.state;
  const status = !room ? '' : !present.connected ? x.t('cockpit.offline') : present.error ? present.error
    : !st ? x.t('cockpit.noPresenter') : st.presenterOnline ? x.t('cockpit.presenter', { name: st.by ?? '' }) : x.t('cockpit.presenterAway');
  return (
    <div className="cockpit" lang={x.lang === 'zh' ? 'zh-CN' : 'en'} data-room-seq={st?.seq ?? -1} data-fly-seq={st?.flySeq ?? -1} data-room-at={present.receivedAt}>
      <div className="cp-twin">{info && <TwinView info={info} onEngine={setEngine} />}</div>
      <EvacuationFeed city={city} engine={engine} legend={false} />
      <div className="cp-canvas" style={{ left: fit.left, top: fit.top, transform: `scale(${fit.scale})` }} data-testid="cockpit-canvas">
        <header className="cp-head">
          <div className="cp-title"><h1>{x.t('cockpit.title')}</h1><p>{q.data ? q.data.name[x.lang] : city}</p></div>
          <FiveLegend summary={summary} x={x} />
          <div className="cp-head-right">
            {room && <span className={`cp-room${st?.presenterOnline ? ' on' : ''}`} data-testid="room-status">{x.t('cockpit.room', { room })} · {status}</span>}
            <Clock x={x} />
          </div>
        </header>
        <aside className="cp-left"><KpiCards summary={summary} history={history} x={x} /></aside>
        <aside className="cp-right">
          <AlertFeed summary={summary} x={x} onFly={onFly} />
          <Outlook summary={summary} x={x} />
          <Gauges summary={summary} x={x} />
        </aside>
        <footer className="cp-bottom"><CaseCharts summary={summary} x={x} scale={fit.scale} /></footer>
        {info && phase !== 'ready' && phase !== 'error' && <div className="cp-loading">{x.t('cockpit.loading')}</div>}
      </div>
    </div>
  );
}
