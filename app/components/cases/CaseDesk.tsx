'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useEffect, useMemo, useState } from 'react';
import type { CaseRecord } from '../../../models/caseApi';
import { CASE_STATE_NAMES, CASE_STEPS, OPEN_STATES, REPORT_ROLES, type CaseAction } from '../../../models/cases';
import { useI18n } from '../../i18n';
import { useTRPC } from '../../trpc';
import { LangSwitch } from '../LangSwitch';
import { UserMenu } from '../account/UserMenu';
import { useMe } from '../account/useMe';
import { caseClass, spanText } from './caseText';
import { PhotoPick } from '../PhotoPick';

type Queue = 'mine' | 'open' | 'all';

/** /cases: the dispatcher's desk. Queues by role, the case list with countdowns, a case page with its timeline, photos and the steps the role may take. */
export function CaseDesk() {
  const { t, pick } = useI18n();
  const trpc = useTRPC();
  const { user, loading } = useMe();
  const cities = useQuery({ ...trpc.city.list.queryOptions(), enabled: !!user });
  const city = cities.data?.[0]?.slug ?? null;
  const [queue, setQueue] = useState<Queue>('mine');
  const list = useQuery({ ...trpc.case.list.queryOptions({ city: city ?? '' }), enabled: !!city && !!user, refetchInterval: 30_000 });
  const [selId, setSelId] = useState<string | null>(null);
  useEffect(() => { setSelId(new URLSearchParams(window.location.search).get('case')); }, []);
  const rows = useMemo(() => (list.data ?? []).filter((c) => queue === 'all' || (queue === 'open' ? OPEN_STATES.includes(c.state) : c.actions.length > 0)), [list.data, queue]);
  return (
    <div className="cases-page">
      <header className="topbar">
        <Link href="/" className="btn ghost">← {t('twin.back')}</Link>
        <h1>{t('cases.title')}</h1>
        <div className="topbar-right">
          {user && REPORT_ROLES.includes(user.role) && <Link className="btn" href="/m/report">+ {t('cases.report')}</Link>}
          <UserMenu /><LangSwitch />
        </div>
      </header>
      {!loading && !user && <p className="auth-main error" data-testid="cases-signin">{t('cases.signInNeeded')} <Link href="/signin?next=%2Fcases">{t('auth.signIn')}</Link></p>}
      {user && (
        <main className="cases-main">
          <section className="case-list panel">
            <div className="dock-tabs" role="tablist">
              {(['mine', 'open', 'all'] as const).map((q) => (
                <button key={q} type="button" role="tab" aria-selected={queue === q} className={queue === q ? 'on' : ''} data-testid={`queue-${q}`} onClick={() => setQueue(q)}>
                  {t(q === 'mine' ? 'cases.queueMine' : q === 'open' ? 'cases.queueOpen' : 'cases.queueAll')}
                </button>
              ))}
            </div>
            {list.isError && <p className="error small">{list.error.message}</p>}
            {rows.length === 0 && !list.isPending && <p className="muted small">{t('cases.empty')}</p>}
            <ul>
              {rows.map((c) => (
                <li key={c.id} className={c.id === selId ? 'on' : ''} data-testid="case-item" data-number={c.number} onClick={() => setSelId(c.id)}>
                  <span className="mono">{c.number}</span>
                  <span>{pick(caseClass(c.classCode))}</span>
                  <span className="case-state">{pick(CASE_STATE_NAMES[c.state])}</span>
                  <Countdown c={c} />
                </li>
              ))}
            </ul>
          </section>
          <section className="case-detail panel">
            {selId && city ? <CaseView id={selId} city={city} /> : <p className="muted">{t('cases.pick')}</p>}
          </section>
        </main>
      )}
    </div>
  );
}

export function Countdown({ c }: { c: Pick<CaseRecord, 'limit'> }) {
  const { t } = useI18n();
  if (!c.limit) return <span className="limit muted">{t('cases.noLimit')}</span>;
  const text = c.limit.leftMs >= 0 ? t('cases.left', { t: spanText(c.limit.leftMs) }) : t('cases.overdue', { t: spanText(c.limit.leftMs) });
  return <span className={`limit limit-${c.limit.colour}`} data-testid="case-limit" data-colour={c.limit.colour} title={c.limit.deadline}>{text}</span>;
}

function CaseView({ id, city }: { id: string; city: string }) {
  const { t, pick, date } = useI18n();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const q = useQuery(trpc.case.get.queryOptions({ id }));
  const [note, setNote] = useState('');
  const [department, setDepartment] = useState('');
  const [hours, setHours] = useState(4);
  const [photoError, setPhotoError] = useState<string | null>(null);
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: trpc.case.get.queryKey({ id }) });
    void qc.invalidateQueries({ queryKey: trpc.case.list.queryKey({ city }) });
  };
  const step = useMutation(trpc.case.step.mutationOptions({ onSuccess: () => { setNote(''); refresh(); } }));
  useEffect(() => { if (q.data?.department) setDepartment(q.data.department); }, [q.data?.department]);
  if (q.isPending) return <p className="muted">{t('inspector.loading')}</p>;
  if (q.isError) return <p className="error">{q.error.message}</p>;
  const c = q.data;
  const act = (action: CaseAction) => step.mutate({
    id, version: c.version, action, note: note.trim() || undefined,
    department: action === 'dispatch' ? department.trim() : undefined, extensionHours: action === 'grantExtension' ? hours : undefined,
  });
  const upload = async (file: File) => {
    setPhotoError(null);
    const res = await fetch(`/api/cases/${id}/photos?phase=after`, { method: 'POST', body: file, headers: { 'content-type': file.type || 'application/octet-stream' } });
    if (!res.ok) setPhotoError(((await res.json()) as { error: string }).error);
    refresh();
  };
  return (
    <div data-testid="case-view" data-state={c.state}>
      <h2 className="mono">{c.number}</h2>
      <p><strong>{pick(caseClass(c.classCode))}</strong> · <span data-testid="case-state">{pick(CASE_STATE_NAMES[c.state])}</span> · <Countdown c={c} />{c.reworkCount > 0 && <> · {t('cases.rework', { n: c.reworkCount })}</>}</p>
      <p>{c.description}</p>
      <dl className="case-facts small">
        <dt>{t('cases.department')}</dt><dd>{c.department ?? '—'}</dd>
        <dt>{t('cases.grid')}</dt><dd className="mono">{c.unitGridCode ?? '—'}</dd>
        <dt>{t('cases.component')}</dt><dd className="mono">{c.componentCode ?? '—'}</dd>
        <dt>{t('cases.place')}</dt><dd className="mono">{c.lonDeg?.toFixed(5)}, {c.latDeg?.toFixed(5)}</dd>
        <dt>{t('cases.reported')}</dt><dd>{date(c.reportedAt)}</dd>
      </dl>
      <h3>{t('cases.actions')}</h3>
      {c.actions.length === 0 ? <p className="muted small" data-testid="case-no-actions">{t('cases.noActions')}</p> : (
        <div className="case-actions">
          {c.actions.includes('dispatch') && <label className="small">{t('cases.deptFor')} <input data-testid="case-department" value={department} onChange={(e) => setDepartment(e.target.value)} /></label>}
          {c.actions.includes('grantExtension') && <label className="small">{t('cases.hours')} <input type="number" min={1} value={hours} onChange={(e) => setHours(Number(e.target.value))} /></label>}
          <label className="small">{t('cases.note')} <input data-testid="case-note" value={note} onChange={(e) => setNote(e.target.value)} /></label>
          <div className="row-wrap">
            {c.actions.map((a) => <button key={a} type="button" className="btn" data-testid={`case-step-${a}`} disabled={step.isPending} onClick={() => act(a)}>{pick(CASE_STEPS[a])}</button>)}
          </div>
          {c.actions.includes('reportBack') && (
            <PhotoPick label={t('cases.addPhoto')} testId="case-photo-after" onPick={(f) => { if (f) void upload(f); }} />
          )}
        </div>
      )}
      {step.isError && <p className="error small" role="alert">{t('cases.refused', { message: step.error.message })}</p>}
      {photoError && <p className="error small" role="alert">{photoError}</p>}
      {c.photos.length > 0 && (
        <>
          <h3>{t('cases.photos')}</h3>
          <div className="case-photos">
            {c.photos.map((p) => (
              <figure key={p.id} data-testid="case-photo">
                {/* eslint-disable-next-line @next/next/no-img-element */}
                <img src={`/api/cases/${id}/photos/${p.id}`} alt={t(p.phase === 'before' ? 'cases.photoBefore' : 'cases.photoAfter')} />
                <figcaption className="small muted">{t(p.phase === 'before' ? 'cases.photoBefore' : 'cases.photoAfter')}</figcaption>
              </figure>
            ))}
          </div>
        </>
      )}
      <h3>{t('cases.timeline')}</h3>
      <ol className="case-timeline small" data-testid="case-timeline">
        {c.steps.map((s, i) => (
          <li key={i}><span className="muted">{date(s.at)}</span> <strong>{s.action === 'report' ? t('report.submit') : pick(CASE_STEPS[s.action as CaseAction] ?? { zh: s.action, en: s.action })}</strong> · {s.actorName}{s.note ? ` · ${s.note}` : ''}</li>
        ))}
      </ol>
    </div>
  );
}
