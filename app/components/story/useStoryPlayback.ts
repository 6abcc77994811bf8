'use client';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { Story } from '../../../models/story';
import type { TwinEngine } from '../../../scene/TwinEngine';
import { useTRPC } from '../../trpc';
import { StoryController, type StorySnapshot } from './storyController';

export interface PlaybackOptions {
  loop?: boolean;
  autoplay?: boolean;
  onEnd?: () => void;
  onSceneChange?: (index: number) => void;
}

/**
 * A StoryController on this engine while both are there: a new story (or a saved change of it)
 * or another engine starts the play afresh. Returns its snapshot (re-rendered on each change)
 * and the controller (play, pause, next, prev, restart, goTo), null until the engine exists.
 */
export function useStoryPlayback(story: Story, engine: TwinEngine | null, opts: PlaybackOptions) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [snap, setSnap] = useState<StorySnapshot | null>(null);
  const [ctl, setCtl] = useState<StoryController | null>(null);
  const optsRef = useRef(opts);
  optsRef.current = opts;
  const storyRef = useRef(story);
  storyRef.current = story;
  const key = `${story.id}@${story.updatedAt}@${story.scenes.length}`;

  useEffect(() => {
    if (!engine) return;
    const c = new StoryController(storyRef.current, engine, {
      get loop() { return optsRef.current.loop; },
      autoplay: optsRef.current.autoplay,
      fetchRun: (id) => qc.fetchQuery({ ...trpc.run.get.queryOptions({ id }), retry: false, staleTime: 30_000 }),
      onChange: setSnap,
      onEnd: () => optsRef.current.onEnd?.(),
      onSceneChange: (i) => optsRef.current.onSceneChange?.(i),
    });
    setCtl(c);
    setSnap(c.snap);
    return () => { c.dispose(); setCtl(null); };
    // a new story or engine starts afresh; option changes are read through the ref
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [engine, key]);

  return { snap, ctl };
}
