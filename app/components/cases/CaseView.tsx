'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { CASE_STATE_NAMES, CASE_STEPS, type CaseAction } from '../../../models/cases';
import { useI18n } from '../../i18n';
import { useTRPC } from '../../trpc';
import { HistoryChart } from '../HistoryChart';
import { PhotoPick } from '../PhotoPick';
import { Countdown } from './Countdown';
import { caseClass } from './caseText';

/** A case page: facts, its component's history, the steps the role may take, photos and the timeline; "show on the map" flies the desk's map there. */
export function CaseView({ id, city, onFly }: { id: string; city: string; onFly?: (id: string) => void }) {
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
      <div className="row-wrap case-head">
        <h2 className="mono">{c.number}</h2>
        {onFly && c.lonDeg !== null && <button type="button" className="btn small" data-testid="case-fly" onClick={() => onFly(c.id)}>{t('desk.flyTo')}</button>}
      </div>
      <p><strong>{pick(caseClass(c.classCode))}</strong> · <span data-testid="case-state">{pick(CASE_STATE_NAMES[c.state])}</span> · <Countdown c={c} />{c.reworkCount > 0 && <> · {t('cases.rework', { n: c.reworkCount })}</>}</p>
      <p>{c.description}</p>
      <dl className="case-facts small">
        <dt>{t('cases.department')}</dt><dd>{c.department ?? '—'}</dd>
        <dt>{t('cases.grid')}</dt><dd className="mono">{c.unitGridCode ?? '—'}</dd>
        <dt>{t('cases.respGrid')}</dt><dd data-testid="case-resp-grid">{c.responsibilityGrid ? <><span className="mono">{c.responsibilityGrid.code}</span> {pick(c.responsibilityGrid.name)}</> : '—'}</dd>
        <dt>{t('cases.component')}</dt><dd className="mono">{c.componentCode ?? '—'}</dd>
        <dt>{t('cases.place')}</dt><dd className="mono">{c.lonDeg?.toFixed(5)}, {c.latDeg?.toFixed(5)}</dd>
        <dt>{t('cases.reported')}</dt><dd>{date(c.reportedAt)}</dd>
      </dl>
      {c.componentCode?.length === 17 && <ComponentHistory city={city} code={c.componentCode} />}
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
                <a href={`/api/cases/${id}/photos/${p.id}`} target="_blank" rel="noreferrer">
                  <img src={`/api/cases/${id}/photos/${p.id}?size=thumb`} alt={t(p.phase === 'before' ? 'cases.photoBefore' : 'cases.photoAfter')} />
                </a>
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

/** The states the case's component reported over the last hours (the inspector's chart): was it a one-off or does it keep failing? */
function ComponentHistory({ city, code }: { city: string; code: string }) {
  const trpc = useTRPC();
  const q = useQuery({ ...trpc.component.byCode.queryOptions({ city, code }), retry: false });
  // the chart has its own heading and time ranges
  return q.data ? <div data-testid="case-component-history"><HistoryChart city={city} index={q.data.index} /></div> : null;
}
