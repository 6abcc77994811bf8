'use client';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Doc } from '../flood/doc';
import type { PreviewRuns } from '../flood/usePreviewRuns';
import { emptyHistory, record, redo, undo, type History } from './history';

/** Wait after the last map edit before saving and starting the preview (a drag ends in one edit already). */
const PREVIEW_DEBOUNCE_MS = 600;

export interface MapEditing {
  /** one edit of the shown document; tag: the field's path (typing in one field is one undo step), null for a map edit */
  change(fn: (doc: Doc) => Doc, tag: string | null): void;
  undo(): void;
  redo(): void;
  canUndo: boolean;
  canRedo: boolean;
  /** a save + preview is waiting or on its way */
  previewing: boolean;
}

/**
 * Undo/redo per scenario, and the preview every map edit (and every undo/redo) starts: debounced,
 * saved first (the preview runs the stored scenario), then run.preview, which cancels the runs
 * of the edit before.
 */
export function useMapEditing({ id, doc, setDoc, save, preview }: {
  id: string | null; doc: Doc | null;
  /** applies a change to the newest document (two changes in one event both count) */
  setDoc(fn: (doc: Doc) => Doc): void; save(): Promise<boolean>; preview: PreviewRuns;
}): MapEditing {
  const [hist, setHist] = useState<Record<string, History<Doc>>>({});
  const h = (id && hist[id]) || emptyHistory<Doc>();
  const [tick, setTick] = useState(0);
  const [waiting, setWaiting] = useState(false);
  const latest = useRef({ save, preview, id });
  latest.current = { save, preview, id };

  const change = useCallback((fn: (doc: Doc) => Doc, tag: string | null) => {
    if (!id || !doc) return;
    setHist((hs) => ({ ...hs, [id]: record(hs[id] ?? emptyHistory<Doc>(), doc, tag) }));
    setDoc(fn);
    if (tag === null) setTick((k) => k + 1);
  }, [id, doc, setDoc]);

  const step = (fn: typeof undo) => {
    if (!id || !doc) return;
    const r = fn(h, doc);
    if (!r) return;
    setHist((hs) => ({ ...hs, [id]: r.h }));
    setDoc(() => r.doc);
    setTick((k) => k + 1);
  };

  useEffect(() => {
    if (tick === 0) return;
    setWaiting(true);
    const timer = setTimeout(() => {
      void (async () => {
        // the document of this render may be older than the newest edit: the refs hold the newest
        const { save: s, id: sid } = latest.current;
        if (sid && (await s())) latest.current.preview.start(sid);
        setWaiting(false);
      })();
    }, PREVIEW_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [tick]);

  return {
    change,
    undo: () => step(undo),
    redo: () => step(redo),
    canUndo: h.past.length > 0,
    canRedo: h.future.length > 0,
    previewing: waiting || preview.pending,
  };
}
