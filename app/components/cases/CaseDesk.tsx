'use client';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { CASE_STATE_NAMES, INDICATOR_ROLES, OPEN_STATES, REPORT_ROLES } from '../../../models/cases';
import { useI18n } from '../../i18n';
import { useTRPC } from '../../trpc';
import { LangSwitch } from '../LangSwitch';
import { UserMenu } from '../account/UserMenu';
import { useMe } from '../account/useMe';
import { BulkDispatch } from './BulkDispatch';
import { CaseIndicators } from './CaseIndicators';
import { CaseMap } from './CaseMap';
import { CaseView } from './CaseView';
import { caseClass } from './caseText';
import { Countdown } from './Countdown';

type Queue = 'mine' | 'open' | 'all';
const MAP_KEY = 'twin.desk.map';

/**
 * /cases: the dispatcher's desk. Queues by role, the case list with countdowns (and, for the
 * dispatcher, boxes to dispatch several at once), the case map in the 3D twin, a case page with
 * its timeline, photos and the steps the role may take; the indicators tab for the centre's roles.
 */
export function CaseDesk() {
  const { t, pick } = useI18n();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { user, loading } = useMe();
  const cities = useQuery({ ...trpc.city.list.queryOptions(), enabled: !!user });
  const city = cities.data?.[0]?.slug ?? null;
  const [queue, setQueue] = useState<Queue>('mine');
  const [view, setView] = useState<'cases' | 'indicators'>('cases');
  const [showMap, setShowMapState] = useState(false);
  // the map is the 3D twin (heavy without a GPU): shown when asked, and remembered per browser
  const setShowMap = useCallback((on: boolean | ((m: boolean) => boolean)) => setShowMapState((m) => {
    const next = typeof on === 'function' ? on(m) : on;
    try { localStorage.setItem(MAP_KEY, next ? '1' : '0'); } catch { /* private mode: not remembered */ }
    return next;
  }), []);
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const [bulkUsed, setBulkUsed] = useState(false);
  const [flyTo, setFlyTo] = useState<{ id: string; n: number } | null>(null);
  const list = useQuery({ ...trpc.case.list.queryOptions({ city: city ?? '' }), enabled: !!city && !!user, refetchInterval: 30_000 });
  const [selId, setSelId] = useState<string | null>(null);
  useEffect(() => {
    const p = new URLSearchParams(window.location.search);
    setSelId(p.get('case'));
    // a narrow window keeps the list and the case page; the map is one click away
    let stored: string | null = null;
    try { stored = localStorage.getItem(MAP_KEY); } catch { /* private mode */ }
    setShowMapState(stored === '1' && window.innerWidth >= 1100);
  }, []);
  const rows = useMemo(() => (list.data ?? []).filter((c) => queue === 'all' || (queue === 'open' ? OPEN_STATES.includes(c.state) : c.actions.length > 0)), [list.data, queue]);
  const bulk = user?.role === 'dispatcher';
  const pickedRows = useMemo(() => rows.filter((c) => picked.has(c.id)), [rows, picked]);
  const toggle = (id: string) => setPicked((s) => { const n = new Set(s); if (n.has(id)) n.delete(id); else n.add(id); return n; });
  const select = useCallback((id: string) => setSelId(id), []);
  const fly = useCallback((id: string) => { setShowMap(true); setFlyTo((f) => ({ id, n: (f?.n ?? 0) + 1 })); }, [setShowMap]);
  const indicators = !!user && INDICATOR_ROLES.includes(user.role);
  return (
    <div className="cases-page">
      <header className="topbar">
        <Link href="/" className="btn ghost">← {t('twin.back')}</Link>
        <h1>{t('cases.title')}</h1>
        {user && (
          <div className="dock-tabs desk-tabs" role="tablist">
            <button type="button" role="tab" aria-selected={view === 'cases'} className={view === 'cases' ? 'on' : ''} data-testid="desk-cases" onClick={() => setView('cases')}>{t('desk.tabCases')}</button>
            {indicators && <button type="button" role="tab" aria-selected={view === 'indicators'} className={view === 'indicators' ? 'on' : ''} data-testid="desk-indicators" onClick={() => setView('indicators')}>{t('desk.tabIndicators')}</button>}
          </div>
        )}
        <div className="topbar-right">
          {user && view === 'cases' && <button type="button" className="btn ghost" data-testid="map-toggle" onClick={() => setShowMap((m) => !m)}>{t(showMap ? 'desk.mapHide' : 'desk.mapShow')}</button>}
          {user && REPORT_ROLES.includes(user.role) && <Link className="btn" href="/m/report">+ {t('cases.report')}</Link>}
          <UserMenu /><LangSwitch />
        </div>
      </header>
      {!loading && !user && <p className="auth-main error" data-testid="cases-signin">{t('cases.signInNeeded')} <Link href="/signin?next=%2Fcases">{t('auth.signIn')}</Link></p>}
      {user && view === 'indicators' && city && <main className="cases-main one"><CaseIndicators city={city} /></main>}
      {user && view === 'cases' && (
        <main className={`cases-main${showMap ? ' with-map' : ''}`}>
          <section className="case-list panel">
            <div className="dock-tabs" role="tablist">
              {(['mine', 'open', 'all'] as const).map((q) => (
                <button key={q} type="button" role="tab" aria-selected={queue === q} className={queue === q ? 'on' : ''} data-testid={`queue-${q}`} onClick={() => setQueue(q)}>
                  {t(q === 'mine' ? 'cases.queueMine' : q === 'open' ? 'cases.queueOpen' : 'cases.queueAll')}
                </button>
              ))}
            </div>
            {bulk && rows.some((c) => c.actions.includes('dispatch')) && (
              <label className="small select-all">
                <input type="checkbox" data-testid="bulk-all" checked={rows.filter((c) => c.actions.includes('dispatch')).every((c) => picked.has(c.id))}
                  onChange={(e) => setPicked(e.target.checked ? new Set(rows.filter((c) => c.actions.includes('dispatch')).map((c) => c.id)) : new Set())} /> {t('desk.selectAll')}
              </label>
            )}
            {/* stays after a dispatch (the boxes cleared) so its result, refusals and reasons, can be read */}
            {bulk && (pickedRows.length > 0 || bulkUsed) && (
              <BulkDispatch picked={pickedRows} onDone={() => { setBulkUsed(true); setPicked(new Set()); void qc.invalidateQueries({ queryKey: trpc.case.list.pathKey() }); void qc.invalidateQueries({ queryKey: trpc.case.get.pathKey() }); }} />
            )}
            {list.isError && <p className="error small">{list.error.message}</p>}
            {rows.length === 0 && !list.isPending && <p className="muted small">{t('cases.empty')}</p>}
            <ul>
              {rows.map((c) => (
                <li key={c.id} className={`${c.id === selId ? 'on' : ''}${bulk ? ' pickable' : ''}`} data-testid="case-item" data-number={c.number} onClick={() => setSelId(c.id)}>
                  {bulk && (
                    <input type="checkbox" aria-label={t('desk.select')} data-testid="case-pick" disabled={!c.actions.includes('dispatch')}
                      checked={picked.has(c.id)} onClick={(e) => e.stopPropagation()} onChange={() => toggle(c.id)} />
                  )}
                  <span className="mono">{c.number}</span>
                  <span>{pick(caseClass(c.classCode))}</span>
                  <span className="case-state">{pick(CASE_STATE_NAMES[c.state])}</span>
                  <Countdown c={c} />
                </li>
              ))}
            </ul>
          </section>
          {showMap && city && <CaseMap city={city} cases={rows} selected={selId} onSelect={select} flyTo={flyTo} />}
          <section className="case-detail panel">
            {selId && city ? <CaseView id={selId} city={city} onFly={fly} /> : <p className="muted">{t('cases.pick')}</p>}
          </section>
        </main>
      )}
    </div>
  );
}
