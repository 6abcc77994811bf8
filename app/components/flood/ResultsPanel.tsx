'use client';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { RUN_FILES, type RunRecord } from '../../../models/runs';
import type { TwinEngine } from '../../../scene/TwinEngine';
import { useI18n } from '../../i18n';
import type { MessageKey } from '../../i18n/zh';
import { useTRPC } from '../../trpc';
import { ComparePanel } from './ComparePanel';
import { ImpactView } from './ImpactView';
import { RunCharts } from './RunCharts';
import { useImpactActions } from './useImpactActions';
import { useWorkspaceView } from '../share/workspaceView';

type Tab = 'impact' | 'charts' | 'files' | 'compare';
const TABS: { key: Tab; label: MessageKey }[] = [{ key: 'impact', label: 'results.impact' }, { key: 'charts', label: 'results.charts' }, { key: 'files', label: 'results.files' }, { key: 'compare', label: 'results.compare' }];

/** A finished run's results beside the map: impact list, charts, downloads (all kept mounted). */
export function ResultsPanel({ city, engine, run }: { city: string; engine: TwinEngine | null; run: RunRecord }) {
  const { t, num, lang } = useI18n();
  const trpc = useTRPC();
  // a share link with a compared run opens on the Compare tab
  const { initial } = useWorkspaceView();
  const [tab, setTab] = useState<Tab>(() => (initial.compare && initial.run === run.id ? 'compare' : 'impact'));
  const impact = useQuery({ ...trpc.run.impact.queryOptions({ id: run.id }), staleTime: Infinity });
  const onRow = useImpactActions(city, engine);
  const s = run.summary;
  return (
    <aside className="panel results" data-testid="impact-panel">
      <div className="results-head">
        <p className="kicker">{t('results.kicker')}</p>
        <h2 title={run.scenarioName}>{run.scenarioName}</h2>
        {s && <p className="muted small">{t('results.summary', { depth: num(s.maxDepth_m * 100, 0), area: num(s.floodedArea_m2.over15cm / 10_000, 2) })}</p>}
        <a className="btn small report-link" data-testid="report-run" href={`/api/runs/${run.id}/report.pdf?lang=${lang}`} download title={t('report.pdfTitle')}>⤓ {t('report.run')}</a>
        <div className="seg" role="tablist">
          {TABS.map((x) => (
            <button key={x.key} type="button" role="tab" aria-selected={tab === x.key} className={tab === x.key ? 'on' : ''} data-testid={`results-tab-${x.key}`} onClick={() => setTab(x.key)}>{t(x.label)}</button>
          ))}
        </div>
      </div>
      <div className="results-body">
        <div hidden={tab !== 'impact'}>
          {impact.isPending && <p className="muted small">{t('inspector.loading')}</p>}
          {impact.isError && <p className="error small">{impact.error.message}</p>}
          {impact.data && <ImpactView city={city} impact={impact.data} onRow={(target) => void onRow(target).catch(() => undefined)} />}
        </div>
        <div hidden={tab !== 'charts'}>
          <RunCharts run={run} engine={engine} />
        </div>
        <div hidden={tab !== 'compare'}>
          <ComparePanel city={city} engine={engine} run={run} active={tab === 'compare'} />
        </div>
        <div hidden={tab !== 'files'}>
          <ul className="downloads">
            {RUN_FILES.map((f) => (
              <li key={f}>
                <a href={`/api/runs/${run.id}/files/${f}`} download={f} data-testid={`download-${f}`}>{f}</a>
                <span className="muted small">{t(`file.${f}` as MessageKey)}</span>
              </li>
            ))}
          </ul>
          <p className="muted small mono run-ident">{t('results.engine', { v: run.engineVersion })}<br />{t('results.hash', { h: run.inputHash.slice(0, 16) })}</p>
        </div>
      </div>
    </aside>
  );
}
