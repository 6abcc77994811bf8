'use client';
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { decodeViewState, type CompareView, type ViewState } from '../../../models/viewState';

/**
 * The planner's choices that live in React (not in the engine) and go into the share link: the
 * selected scenario, the compared run and how the comparison is shown. `initial` is the link the
 * page was opened with (models/viewState.ts), read once.
 */
export interface WorkspaceView {
  scenario: string | null;
  /** the run compared against (A) and whether the Compare tab is open */
  compare: string | null;
  compareOpen: boolean;
  compareView: CompareView;
  /** swipe position, 0 (all A) to 1 (all B) */
  swipe: number;
}

interface Ctx {
  view: WorkspaceView;
  set(p: Partial<WorkspaceView>): void;
  initial: ViewState;
}

const WorkspaceCtx = createContext<Ctx | null>(null);

function readInitial(): ViewState {
  if (typeof window === 'undefined') return {};
  const { state, errors } = decodeViewState(location.search);
  // a damaged field is dropped; say which in the console rather than refusing the link
  if (errors.length) console.warn('share link: ignored', errors);
  return state;
}

export function WorkspaceViewProvider({ children }: { children: ReactNode }) {
  const [initial] = useState(readInitial);
  const [view, setView] = useState<WorkspaceView>(() => ({
    scenario: initial.scenario ?? null, compare: initial.compare ?? null, compareOpen: !!initial.compare,
    compareView: initial.compareView ?? 'diff', swipe: initial.swipe ?? 0.5,
  }));
  const set = useCallback((p: Partial<WorkspaceView>) => setView((v) => {
    const k = Object.keys(p) as (keyof WorkspaceView)[];
    return k.some((key) => v[key] !== p[key]) ? { ...v, ...p } : v;
  }), []);
  const ctx = useMemo(() => ({ view, set, initial }), [view, set, initial]);
  return <WorkspaceCtx.Provider value={ctx}>{children}</WorkspaceCtx.Provider>;
}

const NONE: Ctx = {
  view: { scenario: null, compare: null, compareOpen: false, compareView: 'diff', swipe: 0.5 },
  set: () => undefined,
  initial: {},
};

/** The workspace view; outside a provider (other pages) a fixed default that ignores changes. */
export function useWorkspaceView(): Ctx {
  return useContext(WorkspaceCtx) ?? NONE;
}
