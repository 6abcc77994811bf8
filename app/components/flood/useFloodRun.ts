'use client';
import { skipToken, useQuery, useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { RunRecord } from '../../../models/runs';
import type { TwinEngine } from '../../../scene/TwinEngine';
import type { FloodRun } from '../../../scene/flood/floodLayer';
import { useTRPC } from '../../trpc';
import { useEngineSelector } from '../useEngine';
import { isActive } from './format';

export interface FloodRunState {
  /** the city's runs, newest first */
  runs: RunRecord[];
  /** the run shown on the map, the timeline and the impact panel */
  run: RunRecord | null;
  showRun(run: RunRecord | null): void;
}

/** What the engine's flood layer needs of a run record (the twin, a story's scene); null before it has a grid. */
export function floodRunOf(r: RunRecord): FloodRun | null {
  if (!r.grid) return null;
  const duration = r.progress?.duration ?? r.outputInterval * Math.max(1, r.frameCount - 1);
  return { id: r.id, grid: r.grid, outputInterval: r.outputInterval, duration, status: r.status };
}

/** A tracked subscription event arrives as {id, data}; accept a bare record too. */
function recordOf(ev: unknown): RunRecord {
  const e = ev as { id?: unknown; data?: unknown };
  return (e && typeof e === 'object' && e.data && typeof e.data === 'object' ? e.data : ev) as RunRecord;
}

/**
 * Which run the twin shows, and its live record: the run.progress subscription (SSE with tracked
 * ids, so httpSubscriptionLink resumes from lastEventId after a dropped connection) while it runs.
 * A reopened page shows the city's newest queued or running run: closing the page never stops one;
 * a share link's run (initialRunId) is shown instead.
 */
export function useFloodRun(city: string, engine: TwinEngine | null, initialRunId?: string): FloodRunState {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const runsQ = useQuery({
    ...trpc.run.list.queryOptions({ city }),
    // other people's runs appear and move through the queue too
    refetchInterval: (q) => (q.state.data?.some((r) => isActive(r.status)) ? 3000 : 15000),
  });
  const [shownId, setShownId] = useState<string | null>(null);
  const [live, setLive] = useState<RunRecord | null>(null);
  const shownRef = useRef<string | null>(null);
  shownRef.current = shownId;
  const reopened = useRef(false);

  useEffect(() => {
    if (reopened.current || !runsQ.data) return;
    reopened.current = true;
    // a share link's run first, else the newest one still going
    const active = runsQ.data.find((r) => r.id === initialRunId) ?? runsQ.data.find((r) => isActive(r.status));
    if (active && shownRef.current === null) setShownId(active.id);
  }, [runsQ.data, initialRunId]);

  const lastStatus = useRef<string | null>(null);
  useSubscription(trpc.run.progress.subscriptionOptions(shownId ? { id: shownId } : skipToken, {
    onData: (ev) => {
      const rec = recordOf(ev);
      if (rec.id !== shownRef.current) return;
      setLive(rec);
      if (rec.status !== lastStatus.current) {
        lastStatus.current = rec.status;
        void qc.invalidateQueries({ queryKey: trpc.run.list.queryKey({ city }) });
      }
    },
  }));

  const listed = runsQ.data?.find((r) => r.id === shownId) ?? null;
  // the subscription's record is the newest unless the list has moved past it (e.g. it ended
  // while the stream was reconnecting)
  const run = live?.id === shownId && !(listed && isActive(live.status) && !isActive(listed.status)) ? live : listed;

  const showRun = useCallback((r: RunRecord | null) => {
    lastStatus.current = r?.status ?? null;
    setShownId(r?.id ?? null);
    setLive(r);
  }, []);

  // the engine shows the run once it has a grid (a queued run has none yet); a status change
  // of the same run does not restart its frames
  const showKey = run?.grid ? run.id : null;
  const runRef = useRef(run);
  runRef.current = run;
  // layers attach when the city has loaded: show the run then
  const ready = useEngineSelector(engine, (e) => e.status.phase === 'ready');
  useEffect(() => {
    const flood = engine?.flood;
    if (!flood) return;
    const r = runRef.current;
    if (!showKey || !r?.grid) { flood.show(null); return; }
    flood.show(floodRunOf(r));
  }, [engine, ready, showKey]);

  return { runs: runsQ.data ?? [], run, showRun };
}
