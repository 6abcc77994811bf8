'use client';
import { useQuery } from '@tanstack/react-query';
import dynamic from 'next/dynamic';
import Link from 'next/link';
import { useEffect, useMemo, useState } from 'react';
import { prefetchCity } from '../../scene/data/loadCity';
import type { TwinCityInfo, TwinEngine } from '../../scene/TwinEngine';
import { useI18n } from '../i18n';
import { useTRPC } from '../trpc';
import { ResultsPanel } from './flood/ResultsPanel';
import { ScenarioPanel } from './flood/ScenarioPanel';
import { MeasureBar } from './workspace/MeasureBar';
import { Timeline } from './flood/Timeline';
import { useFloodRun } from './flood/useFloodRun';
import { LayerPanel, StatusLine } from './Hud';
import { Inspector } from './Inspector';
import { LangSwitch } from './LangSwitch';
import { UserMenu } from './account/UserMenu';
import { TwinDropImport } from './TwinDropImport';
import { useEngineSelector } from './useEngine';
import { CompareViews } from './flood/CompareViews';
import { ShareButton } from './share/ShareButton';
import { useShareUrl } from './share/useShareUrl';
import { useWorkspaceView, WorkspaceViewProvider } from './share/workspaceView';
import { twinInfoOf } from './twinInfo';
import { StoriesPanel } from './story/StoriesPanel';
import { StoryPlayer } from './story/StoryPlayer';
import { useStoryPreview } from './story/useStoryPreview';

const TwinView = dynamic(() => import('../../scene/TwinView'), { ssr: false });

type DockTab = 'scenario' | 'layers' | 'stories';

/** The twin room; its view (run, time, camera, comparison...) is the page's share link. */
export function TwinPage({ city }: { city: string }) {
  return <WorkspaceViewProvider><TwinRoom city={city} /></WorkspaceViewProvider>;
}

function TwinRoom({ city }: { city: string }) {
  const { t, pick } = useI18n();
  const trpc = useTRPC();
  const q = useQuery(trpc.city.get.queryOptions({ city }));
  const [engine, setEngine] = useState<TwinEngine | null>(null);
  useEffect(() => {
    // the city's layers and the 3D chunk start loading at once, beside the page's own queries;
    // the engine takes the prefetched load over (scene/data/loadCity.ts)
    prefetchCity(city);
    void import('../../scene/TwinView');
  }, [city]);
  // the page itself needs only the phase; the panels subscribe to what they show
  const phase = useEngineSelector(engine, (e) => e.status.phase);
  const loadError = useEngineSelector(engine, (e) => e.status.error);
  const hasSelection = useEngineSelector(engine, (e) => e.selection !== null) ?? false;
  const ws = useWorkspaceView();
  const flood = useFloodRun(city, engine, ws.initial.run);
  const run = flood.run;
  useShareUrl(engine, flood);
  const preview = useStoryPreview(engine, run, ws.view);
  const [tab, setTab] = useState<DockTab>('scenario');
  // the left dock starts folded on small screens, so the map keeps most of a 960 px window
  const [docked, setDocked] = useState(true);
  useEffect(() => { if (window.innerWidth < 1100) setDocked(false); }, []);
  const info = useMemo<TwinCityInfo | null>(() => (q.data ? twinInfoOf(q.data) : null), [q.data]);
  const results = run?.status === 'succeeded';
  const timeline = !!run?.grid && !!engine;
  const right = hasSelection || results;
  // run A beside this run (B) while the Compare tab shows them side by side or swiped
  const runA = results && ws.view.compareOpen && ws.view.compareView !== 'diff' ? flood.runs.find((r) => r.id === ws.view.compare && r.status === 'succeeded') : undefined;
  return (
    <div className="twin">
      <header className="topbar twin-bar">
        <Link href="/" className="btn ghost">← {t('twin.back')}</Link>
        <div className="title">
          <h1>{q.data ? pick(q.data.name) : city}</h1>
          <span className="muted small">{t('app.title')}</span>
        </div>
        <StatusLine engine={engine} />
        <ShareButton />
        <UserMenu />
        <LangSwitch />
      </header>
      <div className={`stage-wrap${timeline ? ' has-timeline' : ''}${right ? ' has-right' : ''}${docked ? ' has-left' : ''}`}>
        {info && <TwinView info={info} onEngine={setEngine} />}
        <TwinDropImport city={city} />
        {info && engine && run && runA && ws.view.compareView !== 'diff' && (
          <CompareViews info={info} engine={engine} runA={runA} runB={run} mode={ws.view.compareView} swipe={ws.view.swipe} onSwipe={(v) => ws.set({ swipe: v })} />
        )}
        {q.isError && <div className="overlay-msg error">{q.error.data?.code === 'NOT_FOUND' ? t('twin.notFound', { city }) : q.error.message}</div>}
        {info && phase !== 'ready' && phase !== 'error' && <div className="overlay-msg" data-testid="loading">{t('twin.loading')}</div>}
        {phase === 'error' && <div className="overlay-msg error">{t('twin.loadError', { message: loadError ?? '' })}</div>}
        <nav className={`dock-left${docked ? '' : ' folded'}`} aria-label={t('dock.label')}>
          <div className="dock-tabs" role="tablist">
            {(['scenario', 'layers', 'stories'] as const).map((k) => (
              <button key={k} type="button" role="tab" aria-selected={docked && tab === k} className={docked && tab === k ? 'on' : ''} data-testid={`dock-${k}`}
                onClick={() => { setTab(k); setDocked(true); }}>
                {t(k === 'scenario' ? 'dock.scenario' : k === 'layers' ? 'dock.layers' : 'stories.tab')}
              </button>
            ))}
            <button type="button" className="dock-fold" data-testid="dock-fold" aria-expanded={docked} title={t(docked ? 'dock.fold' : 'dock.unfold')} aria-label={t(docked ? 'dock.fold' : 'dock.unfold')}
              onClick={() => setDocked((d) => !d)}>{docked ? '«' : '»'}</button>
          </div>
          {/* both stay mounted (kept state, legends in the DOM); the inactive one is hidden */}
          <div className="dock-body panel" hidden={!docked || tab !== 'scenario'}>
            <ScenarioPanel city={city} engine={engine} flood={flood} />
          </div>
          <div className="dock-body" hidden={!docked || tab !== 'layers'}>
            <LayerPanel engine={engine} />
          </div>
          <div className="dock-body panel" hidden={!docked || tab !== 'stories'}>
            <StoriesPanel city={city} capture={preview.capture} onPreview={preview.start} />
          </div>
        </nav>
        <button type="button" className="btn home-btn" data-testid="home" onClick={() => engine?.home()} title={t('twin.home')}>
          <svg width="15" height="15" viewBox="0 0 24 24" aria-hidden fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round"><path d="M3 11l9-7 9 7" /><path d="M5 10v10h5v-6h4v6h5V10" /></svg> {t('twin.home')}
        </button>
        <MeasureBar engine={engine} />
        {!timeline && <p className="hint">{t('twin.hint')}</p>}
        <div className="dock-right">
          <Inspector engine={engine} city={city} />
          {results && run && <ResultsPanel key={run.id} city={city} engine={engine} run={run} />}
        </div>
        {timeline && engine && run && <Timeline engine={engine} run={run} />}
        {preview.story && engine && (
          <>
            <StoryPlayer story={preview.story} engine={engine} onEnd={preview.stop} />
            <button type="button" className="btn story-stop" data-testid="story-stop-preview" onClick={preview.stop}>■ {t('stories.stopPreview')}</button>
          </>
        )}
      </div>
    </div>
  );
}
