'use client';
import { skipToken, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { RunRecord } from '../../../models/runs';
import { useTRPC } from '../../trpc';
import type { FloodRunState } from './useFloodRun';

export interface PreviewRuns {
  /** saves nothing itself: starts the edit's coarse preview and full run, cancelling the last pair */
  start(scenarioId: string): void;
  pending: boolean;
  error: string | null;
  /** the current edit's runs (null before the first preview) */
  previewId: string | null;
  fullId: string | null;
}

/**
 * An edit's two runs: the coarse preview is shown as soon as it is queued (its frames stream in
 * within a second or so), and the full run replaces it on screen when it has succeeded. The next
 * edit cancels both (run.preview does, on the server), so stale results never come back.
 */
export function usePreviewRuns(city: string, flood: FloodRunState): PreviewRuns {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [pair, setPair] = useState<{ preview: string; full: string } | null>(null);
  const pairRef = useRef(pair);
  pairRef.current = pair;
  // an edit made while the last one's runs are being started waits for their ids (to cancel them)
  const queued = useRef<string | null>(null);
  const m = useMutation(trpc.run.preview.mutationOptions({
    onSuccess: (res) => {
      pairRef.current = { preview: res.preview.id, full: res.full.id };
      setPair(pairRef.current);
      flood.showRun(res.preview);
      void qc.invalidateQueries({ queryKey: trpc.run.list.queryKey({ city }) });
    },
    onSettled: () => {
      const next = queued.current;
      queued.current = null;
      if (next) setTimeout(() => { const last = pairRef.current; m.mutate({ scenarioId: next, cancel: last ? [last.preview, last.full] : [] }); }, 0);
    },
  }));
  const full = useQuery({
    ...trpc.run.get.queryOptions(pair ? { id: pair.full } : skipToken),
    refetchInterval: (q) => (q.state.data && (q.state.data.status === 'queued' || q.state.data.status === 'running') ? 1000 : false),
  });
  const shownId = flood.run?.id ?? null;
  const fullRec: RunRecord | undefined = full.data;
  useEffect(() => {
    // the full result replaces the preview once it is there (not while it is still filling)
    if (fullRec?.status === 'succeeded' && pair && shownId === pair.preview && fullRec.id === pair.full) flood.showRun(fullRec);
  }, [fullRec, pair, shownId, flood]);
  return {
    start: (scenarioId) => {
      if (m.isPending) { queued.current = scenarioId; return; }
      const last = pairRef.current;
      m.mutate({ scenarioId, cancel: last ? [last.preview, last.full] : [] });
    },
    pending: m.isPending,
    error: m.error?.message ?? null,
    previewId: pair?.preview ?? null,
    fullId: pair?.full ?? null,
  };
}
