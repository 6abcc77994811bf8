'use client';
import { useQuery } from '@tanstack/react-query';
import dynamic from 'next/dynamic';
import Link from 'next/link';
import { useMemo, useState } from 'react';
import type { TwinCityInfo, TwinEngine } from '../../scene/TwinEngine';
import { useI18n } from '../i18n';
import { useTRPC } from '../trpc';
import { LayerPanel, StatusLine } from './Hud';
import { Inspector } from './Inspector';
import { LangSwitch } from './LangSwitch';
import { useEngineSelector } from './useEngine';

const TwinView = dynamic(() => import('../../scene/TwinView'), { ssr: false });

export function TwinPage({ city }: { city: string }) {
  const { t, pick } = useI18n();
  const trpc = useTRPC();
  const q = useQuery(trpc.city.get.queryOptions({ city }));
  const [engine, setEngine] = useState<TwinEngine | null>(null);
  // the page itself needs only the phase; the panels subscribe to what they show
  const phase = useEngineSelector(engine, (e) => e.status.phase);
  const loadError = useEngineSelector(engine, (e) => e.status.error);
  const info = useMemo<TwinCityInfo | null>(() => (q.data ? {
    slug: q.data.slug, originLonDeg: q.data.originLonDeg, originLatDeg: q.data.originLatDeg,
    originHeightM: q.data.originHeightM, extent: q.data.extent,
  } : null), [q.data]);
  return (
    <div className="twin">
      <header className="topbar twin-bar">
        <Link href="/" className="btn ghost">← {t('twin.back')}</Link>
        <div className="title">
          <h1>{q.data ? pick(q.data.name) : city}</h1>
          <span className="muted small">{t('app.title')}</span>
        </div>
        <StatusLine engine={engine} />
        <LangSwitch />
      </header>
      <div className="stage-wrap">
        {info && <TwinView info={info} onEngine={setEngine} />}
        {q.isError && <div className="overlay-msg error">{q.error.data?.code === 'NOT_FOUND' ? t('twin.notFound', { city }) : q.error.message}</div>}
        {info && phase !== 'ready' && phase !== 'error' && <div className="overlay-msg" data-testid="loading">{t('twin.loading')}</div>}
        {phase === 'error' && <div className="overlay-msg error">{t('twin.loadError', { message: loadError ?? '' })}</div>}
        <LayerPanel engine={engine} />
        <button type="button" className="btn home-btn" data-testid="home" onClick={() => engine?.home()} title={t('twin.home')}>
          <svg width="15" height="15" viewBox="0 0 24 24" aria-hidden fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round"><path d="M3 11l9-7 9 7" /><path d="M5 10v10h5v-6h4v6h5V10" /></svg> {t('twin.home')}
        </button>
        <p className="hint">{t('twin.hint')}</p>
        <Inspector engine={engine} city={city} />
      </div>
    </div>
  );
}
