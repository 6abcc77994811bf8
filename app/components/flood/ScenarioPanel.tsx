'use client';
import { useMutation, useQuery, useQueryClient, keepPreviousData } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ScenarioRecord } from '../../../models/runs';
import type { TwinEngine } from '../../../scene/TwinEngine';
import { useI18n } from '../../i18n';
import { useTRPC } from '../../trpc';
import { IssuesContext, fieldId, type FieldIssue } from './fields';
import { setIn, type Doc } from './doc';
import { RunControls } from './RunControls';
import { ScenarioEditor } from './ScenarioEditor';
import { ScenarioLibrary } from './ScenarioLibrary';
import type { FloodRunState } from './useFloodRun';
import { useMe } from '../account/useMe';
import { FloodWarningToggle } from '../cases/FloodWarningToggle';
import { MapEditBar } from '../workspace/MapEditBar';
import { useMapEditing } from '../workspace/useMapEditing';
import { usePreviewRuns } from './usePreviewRuns';
import { useWorkspaceView } from '../share/workspaceView';
import { ForecastForm } from '../forecast/ForecastForm';
import { ForecastSummary } from '../forecast/ForecastSummary';

interface Draft { name: string; doc: Doc }

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setV(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return v;
}

/** The field issues a tRPC error carries (server/trpc/init.ts errorFormatter), else its message. */
function issuesOf(e: unknown): FieldIssue[] {
  const err = e as { data?: { issues?: FieldIssue[] }; message?: string };
  return err.data?.issues?.length ? err.data.issues : [{ path: '', message: err.message ?? String(e) }];
}

/**
 * The planner's scenario panel: the city's library, the selected scenario's editor (edits kept
 * per scenario until saved, checked by scenario.validate as they are typed), save, and run.
 */
export function ScenarioPanel({ city, engine, flood }: { city: string; engine: TwinEngine | null; flood: FloodRunState }) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const qc = useQueryClient();
  // only planners and administrators may change scenarios or run them (the server checks it too)
  const { canPlan } = useMe();
  const listKey = trpc.scenario.list.queryKey({ city });
  const list = useQuery(trpc.scenario.list.queryOptions({ city }));
  const records = useMemo(() => list.data ?? [], [list.data]);
  const ws = useWorkspaceView();
  const [selId, setSelId] = useState<string | null>(ws.initial.scenario ?? null);
  // the selected scenario goes into the share link
  const setWs = ws.set;
  useEffect(() => { setWs({ scenario: selId }); }, [selId, setWs]);
  const rec = records.find((r) => r.id === selId) ?? null;

  const [drafts, setDrafts] = useState<Record<string, Draft>>({});
  const draft: Draft | null = rec ? drafts[rec.id] ?? { name: rec.name, doc: rec.scenario } : null;
  const edit = useCallback((fn: (d: Draft) => Draft) => {
    if (!rec) return;
    setDrafts((ds) => ({ ...ds, [rec.id]: fn(ds[rec.id] ?? { name: rec.name, doc: rec.scenario }) }));
  }, [rec]);
  const setDoc = useCallback((fn: (doc: Doc) => Doc) => edit((d) => ({ ...d, doc: fn(d.doc) })), [edit]);
  const setName = useCallback((name: string) => edit((d) => ({ ...d, name })), [edit]);
  const dirtyIds = useMemo(() => new Set(Object.keys(drafts)), [drafts]);

  // live check while typing (debounced), the same checks as save
  const checkDoc = useDebounced(draft?.doc ?? null, 400);
  const check = useQuery({
    ...trpc.scenario.validate.queryOptions({ city, scenario: checkDoc }),
    enabled: checkDoc !== null,
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
  const [saveIssues, setSaveIssues] = useState<{ doc: Doc; name: string; issues: FieldIssue[] } | null>(null);
  const issues: FieldIssue[] = saveIssues && draft && saveIssues.doc === draft.doc && saveIssues.name === draft.name
    ? saveIssues.issues
    : [...(draft ? localIssues(draft, t) : []), ...(check.data?.issues ?? [])];

  const replace = (saved: ScenarioRecord) => qc.setQueryData(listKey, (old: ScenarioRecord[] | undefined) => old?.map((r) => (r.id === saved.id ? saved : r)));
  const refresh = () => qc.invalidateQueries({ queryKey: listKey });
  const update = useMutation(trpc.scenario.update.mutationOptions());
  // a new entry goes into the cached list at once, so it is selected before the list refetches
  const added = (r: ScenarioRecord) => {
    qc.setQueryData(listKey, (old: ScenarioRecord[] | undefined) => [r, ...(old ?? []).filter((x) => x.id !== r.id)]);
    setSelId(r.id);
    void refresh();
  };
  const create = useMutation(trpc.scenario.create.mutationOptions({ onSuccess: added }));
  const duplicate = useMutation(trpc.scenario.duplicate.mutationOptions({ onSuccess: added }));
  const remove = useMutation(trpc.scenario.delete.mutationOptions({ onSuccess: () => void refresh() }));
  const adding = create.isPending || duplicate.isPending;
  // the newest scenario is selected when none is (first load, after a delete); not while a new
  // one is on its way, whose editor is the one to show next
  useEffect(() => {
    if (!adding && (!selId || !records.some((r) => r.id === selId)) && records[0]) setSelId(records[0].id);
  }, [records, selId, adding]);

  const preview = usePreviewRuns(city, flood);
  // undo/redo, and the save + preview each map edit starts
  const editing = useMapEditing({ id: rec?.id ?? null, doc: draft?.doc ?? null, setDoc, save: () => save(), preview });
  const { change } = editing;
  const set = useCallback((path: string, v: unknown) => change((doc) => setIn(doc, path, v), path), [change]);

  const save = async (): Promise<boolean> => {
    if (!rec || !draft) return false;
    const mine = localIssues(draft, t);
    if (mine.length) {
      setSaveIssues({ doc: draft.doc, name: draft.name, issues: [...mine, ...(check.data?.issues ?? [])] });
      return false;
    }
    const name = draft.name.trim();
    // the document carries the same name as the library entry (the CLI reads it)
    const doc = { ...draft.doc, name };
    try {
      const saved = await update.mutateAsync({ id: rec.id, name, scenario: doc });
      replace(saved);
      void refresh();
      setSaveIssues(null);
      // keep edits typed while the save was on its way
      setDrafts((ds) => {
        if (ds[rec.id] !== draft) return ds;
        const { [rec.id]: _saved, ...rest } = ds;
        return rest;
      });
      return true;
    } catch (e) {
      setSaveIssues({ doc: draft.doc, name: draft.name, issues: issuesOf(e) });
      return false;
    }
  };

  const [forecasting, setForecasting] = useState(false);
  const busy = create.isPending || duplicate.isPending || remove.isPending;
  return (
    <div className="scenario-panel" data-testid="scenario-panel">
      <div className="sp-body">
        <ScenarioLibrary
          records={records} loading={list.isPending} selectedId={selId} dirtyIds={dirtyIds} busy={busy} readOnly={!canPlan}
          onSelect={(id) => { setSelId(id); setForecasting(false); }}
          onForecast={() => setForecasting(true)}
          onNew={() => { setSelId(null); create.mutate({ city, name: t('lib.newName', { n: records.length + 1 }) }); }}
          onDuplicate={(id) => { setSelId(null); duplicate.mutate({ id }); }}
          onRename={(id, name) => {
            if (!name.trim()) return;
            update.mutate({ id, name: name.trim() }, { onSuccess: (r) => { replace(r); void refresh(); } });
            setDrafts((ds) => (ds[id] ? { ...ds, [id]: { ...ds[id]!, name: name.trim() } } : ds));
          }}
          onDelete={(id) => {
            remove.mutate({ id });
            qc.setQueryData(listKey, (old: ScenarioRecord[] | undefined) => old?.filter((r) => r.id !== id));
            setSelId(null);
            setDrafts(({ [id]: _gone, ...rest }) => rest);
          }}
        />
        {list.isError && <p className="error small">{list.error.message}</p>}
        {(create.isError || duplicate.isError || remove.isError) && (
          <p className="error small">{(create.error ?? duplicate.error ?? remove.error)?.message}</p>
        )}
        {forecasting && canPlan && <ForecastForm city={city} onClose={() => setForecasting(false)} onCreated={(r) => { added(r); setForecasting(false); }} />}
        {rec && draft && !adding && !forecasting && (
          <IssuesContext.Provider value={issues}>
            <ForecastSummary doc={draft.doc} />
            {canPlan && <MapEditBar engine={engine} doc={draft.doc} editing={editing} />}
            <ScenarioEditor key={rec.id} draft={draft.doc} name={draft.name} setName={setName} set={set} engine={engine} />
          </IssuesContext.Provider>
        )}
      </div>
      <div className="sp-foot">
        {rec && <IssueList issues={issues} checking={check.isFetching} />}
        {rec && dirtyIds.has(rec.id) && (
          <p className="sp-dirty small">
            <span className="muted">{t('editor.unsaved')}</span>
            <button type="button" className="linkish" onClick={() => { setDrafts(({ [rec.id]: _x, ...rest }) => rest); setSaveIssues(null); }}>{t('editor.revert')}</button>
          </p>
        )}
        {!canPlan && <p className="small muted" data-testid="planner-only">{t('auth.plannerOnly')}</p>}
        {canPlan && rec && <FloodWarningToggle scenarioId={rec.id} />}
        <RunControls city={city} scenarioId={rec?.id ?? null} flood={flood} preview={preview} canRun={canPlan}
          onPicked={(r) => { if (r.scenarioId && records.some((x) => x.id === r.scenarioId)) setSelId(r.scenarioId); }} beforeRun={async () => (rec && dirtyIds.has(rec.id) ? save() : true)}>
          {canPlan && <button type="button" className="btn" data-testid="scenario-save" disabled={!rec || update.isPending} onClick={() => void save()}>
            {update.isPending ? t('editor.saving') : t('editor.save')}
          </button>}
        </RunControls>
      </div>
    </div>
  );
}

/** What the editor checks itself: a name, and the design storm's 1-1000 year range (the
 *  schema accepts any return period from 0.1 years; the planner's formula is fitted to 1-1000). */
function localIssues(d: Draft, t: (k: 'editor.nameNeeded' | 'editor.returnRange') => string): FieldIssue[] {
  const out: FieldIssue[] = [];
  if (!d.name.trim()) out.push({ path: 'name', message: t('editor.nameNeeded') });
  const r = d.doc.rainfall as { type?: string; returnPeriodYears?: unknown } | undefined;
  const p = r?.returnPeriodYears;
  if (r?.type === 'design' && typeof p === 'number' && (p < 1 || p > 1000)) out.push({ path: 'rainfall.returnPeriodYears', message: t('editor.returnRange') });
  return out;
}

function IssueList({ issues, checking }: { issues: FieldIssue[]; checking: boolean }) {
  const { t } = useI18n();
  if (issues.length === 0) return <p className="issues-ok small muted" data-testid="scenario-ok">{checking ? t('editor.checking') : t('editor.valid')}</p>;
  return (
    <ul className="issues" data-testid="scenario-issues" data-count={issues.length}>
      {issues.map((i, k) => (
        <li key={k}>
          {i.path && (
            <a href={`#${fieldId(i.path)}`} className="mono" onClick={(e) => {
              // the field may sit in a closed section: open it, then scroll there
              const el = document.getElementById(fieldId(i.path)) ?? document.getElementById(fieldId(i.path.split('.').slice(0, -1).join('.')));
              if (!el) return;
              e.preventDefault();
              const det = el.closest('details');
              if (det) det.open = true;
              el.scrollIntoView({ block: 'center', behavior: 'smooth' });
            }}>{i.path}</a>
          )}
          <span>{i.message}</span>
        </li>
      ))}
    </ul>
  );
}
