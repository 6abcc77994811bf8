'use client';
import { useCallback, useRef, useState } from 'react';
import type { RunRecord } from '../../../models/runs';
import type { Story } from '../../../models/story';
import type { ViewState } from '../../../models/viewState';
import type { TwinEngine } from '../../../scene/TwinEngine';
import { viewStateOf } from '../share/useShareUrl';
import type { WorkspaceView } from '../share/workspaceView';
import { applyView } from './storyController';
import { storyOfDraft, type StoryDraft } from './StoryEditor';

/**
 * The planner's preview of a story in the twin itself: the view on screen is kept when it starts
 * and put back (camera, layers, selection, the twin's run and time) when it stops or ends.
 */
export function useStoryPreview(engine: TwinEngine | null, run: RunRecord | null, ws: WorkspaceView) {
  const [story, setStory] = useState<Story | null>(null);
  const before = useRef<{ view: ViewState; run: RunRecord | null } | null>(null);
  const capture = useCallback((): ViewState => (engine ? viewStateOf(engine, run?.id, ws) : {}), [engine, run?.id, ws]);
  const start = useCallback((d: StoryDraft) => {
    if (!engine || !d.scenes.length) return;
    before.current ??= { view: capture(), run };
    setStory(storyOfDraft(d));
  }, [engine, capture, run]);
  const stop = useCallback(() => {
    const b = before.current;
    before.current = null;
    setStory(null);
    if (engine && b) applyView(engine, b.view, b.run, 0.8);
  }, [engine]);
  return { story, start, stop, capture };
}
