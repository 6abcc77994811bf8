'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { preconnectRunSocket } from '../../../scene/flood/floodSource';
import type { RunRecord, RunStatus } from '../../../models/runs';
import { useI18n } from '../../i18n';
import type { MessageKey } from '../../i18n/zh';
import { useTRPC } from '../../trpc';
import { clock, isActive, runPercent } from './format';
import type { FloodRunState } from './useFloodRun';
import type { PreviewRuns } from './usePreviewRuns';

const STATUS_KEY: Record<RunStatus, MessageKey> = {
  queued: 'run.queued', running: 'run.running', succeeded: 'run.succeeded', failed: 'run.failed', cancelled: 'run.cancelled',
};

/** Run the selected scenario (saving it first when edited), follow the shown run, pick another. */
export function RunControls({ city, scenarioId, beforeRun, flood, preview, onPicked, canRun = true, children }: {
  city: string; scenarioId: string | null; beforeRun(): Promise<boolean>; flood: FloodRunState;
  /** the edits' coarse-then-full runs (the scenario panel owns them: map edits start them too) */
  preview: PreviewRuns;
  /** false: the signed-in role may not start or cancel runs (progress and the list stay) */
  canRun?: boolean;
  /** a run picked from the list (the panel selects its scenario) */
  onPicked?(run: RunRecord): void;
  children?: ReactNode;
}) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [reused, setReused] = useState<RunRecord | null>(null);
  const refreshList = () => qc.invalidateQueries({ queryKey: trpc.run.list.queryKey({ city }) });
  const start = useMutation(trpc.run.start.mutationOptions({
    onSuccess: (res) => {
      void refreshList();
      if (res.reused) setReused(res.run);
      else { setReused(null); flood.showRun(res.run); }
    },
  }));
  const cancel = useMutation(trpc.run.cancel.mutationOptions({ onSuccess: () => void refreshList() }));
  const run = flood.run;
  // the run's water comes over socket.io: connected before Run is pressed
  useEffect(() => (canRun ? preconnectRunSocket() : undefined), [canRun]);

  const onRun = async (force: boolean) => {
    if (!scenarioId) return;
    if (!(await beforeRun())) return;
    start.mutate({ scenarioId, force });
  };

  return (
    <section className="run-box">
      <div className="run-buttons">
        {children}
        {canRun && <button type="button" className="btn primary" data-testid="run-start" disabled={!scenarioId || start.isPending} onClick={() => void onRun(false)}>
          ▶ {t('run.start')}
        </button>}
        {canRun && <button type="button" className="btn" data-testid="run-preview" title={t('preview.title')} disabled={!scenarioId || preview.pending}
          onClick={() => void (async () => { if (scenarioId && (await beforeRun())) preview.start(scenarioId); })()}>
          ⚡ {t('preview.start')}
        </button>}
        {canRun && run && isActive(run.status) && (
          <button type="button" className="btn danger" data-testid="run-cancel" title={t('run.cancel')} disabled={cancel.isPending} onClick={() => cancel.mutate({ id: run.id })}>
            ■ {t('lib.cancel')}
          </button>
        )}
      </div>
      {start.isError && <p className="error small">{start.error.message}</p>}
      {preview.error && <p className="error small">{preview.error}</p>}
      {reused && (
        <div className="reused" data-testid="run-reused">
          <p className="small">{t('run.reused')}</p>
          <div className="row">
            <button type="button" className="btn small" data-testid="run-show-reused" onClick={() => { flood.showRun(reused); setReused(null); }}>{t('run.showReused')}</button>
            <button type="button" className="btn small" data-testid="run-again" onClick={() => { setReused(null); void onRun(true); }}>{t('run.again')}</button>
          </div>
        </div>
      )}
      {run && <RunProgress run={run} onHide={() => flood.showRun(null)}
        resolution={run.id === preview.previewId ? 'coarse' : run.id === preview.fullId ? 'full' : 'grid'} />}
      <RunList runs={flood.runs} shownId={run?.id ?? null} onPick={(r) => { flood.showRun(r); onPicked?.(r); }} />
    </section>
  );
}

function RunProgress({ run, onHide, resolution }: { run: RunRecord; onHide(): void; resolution: 'coarse' | 'full' | 'grid' }) {
  const { t, num } = useI18n();
  const pct = runPercent(run);
  const p = run.progress;
  return (
    <div className="run-progress-box">
      <div className="run-title">
        <strong title={run.scenarioName}>{run.scenarioName}</strong>
        <span className={`run-status s-${run.status}`} data-testid="run-status" data-status={run.status}>{t(STATUS_KEY[run.status])}</span>
        <button type="button" className="icon-btn" aria-label={t('run.hide')} title={t('run.hide')} onClick={onHide}>×</button>
      </div>
      <div className="bar" data-testid="run-progress" data-percent={String(pct)} role="progressbar" aria-valuenow={pct} aria-valuemin={0} aria-valuemax={100}>
        <span style={{ width: `${pct}%` }} />
        <em>{pct}%</em>
      </div>
      <p className="small muted run-facts">
        {run.status === 'queued' && run.queuePosition !== null && <span data-testid="run-queue">{t('run.queuePos', { n: run.queuePosition })}</span>}
        {p && <span>{t('run.simTime', { t: clock(p.t), d: clock(p.duration) })}</span>}
        {p && <span>{t('run.wall', { s: num(p.wallSeconds, 1) })}</span>}
        {run.grid && <span data-testid="run-resolution" data-kind={resolution} data-cell={run.grid.cellSize}>{t(`preview.${resolution}`, { m: num(run.grid.cellSize) })}</span>}
      </p>
      {run.status === 'failed' && run.error && <p className="error small" data-testid="run-error">{t('run.why', { message: run.error })}</p>}
    </div>
  );
}

function RunList({ runs, shownId, onPick }: { runs: RunRecord[]; shownId: string | null; onPick(r: RunRecord): void }) {
  const { t, date } = useI18n();
  if (runs.length === 0) return null;
  return (
    <details className="run-list">
      <summary>{t('run.list', { n: runs.length })}</summary>
      <ul>
        {runs.map((r) => (
          <li key={r.id} className={r.id === shownId ? 'on' : ''} data-testid="run-item" onClick={() => onPick(r)}>
            <span className="name">{r.scenarioName}</span>
            <span className={`run-status s-${r.status}`}>{t(STATUS_KEY[r.status])}{isActive(r.status) ? ` ${runPercent(r)}%` : ''}</span>
            <span className="muted when">{date(r.createdAt)}</span>
          </li>
        ))}
      </ul>
    </details>
  );
}
