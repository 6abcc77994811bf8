'use client';
import { useQuery } from '@tanstack/react-query';
import dynamic from 'next/dynamic';
import { useMemo, useState } from 'react';
import type { Story } from '../../../models/story';
import type { TwinEngine } from '../../../scene/TwinEngine';
import { useI18n } from '../../i18n';
import { useTRPC } from '../../trpc';
import { clock } from '../flood/format';
import { twinInfoOf } from '../twinInfo';
import type { SkipReason } from './storyController';
import { useStoryPlayback } from './useStoryPlayback';

const TwinView = dynamic(() => import('../../../scene/TwinView'), { ssr: false });

export interface StoryPlayerProps {
  story: Story;
  /**
   * The twin engine to drive (the kiosk's, the planner's twin for a preview); null while it loads.
   * Left out: the player mounts its own twin of the story's city, filling its box.
   */
  engine?: TwinEngine | null;
  /** start again after the last scene (the kiosk's attract loop) */
  loop?: boolean;
  /** start playing at once (default true) */
  autoplay?: boolean;
  /** after the last scene (not called when looping) */
  onEnd?: () => void;
  onSceneChange?: (index: number) => void;
  /** previous / pause / next and the scene counter (default true); the caption always shows */
  showControls?: boolean;
  className?: string;
}

const SKIP_KEY: Record<SkipReason, 'story.skip.run' | 'story.skip.runCity' | 'story.skip.runNotDone' | 'story.skip.selection'> = {
  run: 'story.skip.run', runCity: 'story.skip.runCity', runNotDone: 'story.skip.runNotDone', selection: 'story.skip.selection',
};

/**
 * Plays a story read-only (app/components/story/storyController.ts): flights between scenes, the
 * scene's layers, run and time (the water rising when the scene says so), selection, and its
 * caption in the current language; broken scenes are skipped with a visible notice.
 */
export function StoryPlayer({ story, engine, loop, autoplay = true, onEnd, onSceneChange, showControls = true, className }: StoryPlayerProps) {
  const own = engine === undefined;
  const [ownEngine, setOwnEngine] = useState<TwinEngine | null>(null);
  const e = own ? ownEngine : engine;
  const { snap, ctl } = useStoryPlayback(story, e, { loop, autoplay, onEnd, onSceneChange });
  return (
    <div className={`story-player${own ? ' story-own' : ''}${className ? ` ${className}` : ''}`} data-testid="story-player"
      data-scene={snap?.index ?? -1} data-playing={snap?.playing ? 'true' : 'false'} data-preparing={snap?.preparing ? 'true' : 'false'}
      data-ended={snap?.ended ? 'true' : 'false'}>
      {own && <OwnStage city={story.city} onEngine={setOwnEngine} />}
      <StoryOverlay story={story} snap={snap} showControls={showControls}
        onPrev={() => ctl?.prev()} onNext={() => ctl?.next()} onToggle={() => ctl?.toggle()} />
    </div>
  );
}

function OwnStage({ city, onEngine }: { city: string; onEngine: (e: TwinEngine | null) => void }) {
  const trpc = useTRPC();
  const { t } = useI18n();
  const q = useQuery(trpc.city.get.queryOptions({ city }));
  const info = useMemo(() => (q.data ? twinInfoOf(q.data) : null), [q.data]);
  if (q.isError) return <div className="overlay-msg error">{q.error.message}</div>;
  return info ? <TwinView info={info} onEngine={onEngine} /> : <div className="overlay-msg">{t('story.loading')}</div>;
}

function StoryOverlay({ story, snap, showControls, onPrev, onNext, onToggle }: {
  story: Story; snap: ReturnType<typeof useStoryPlayback>['snap']; showControls: boolean;
  onPrev(): void; onNext(): void; onToggle(): void;
}) {
  const { t, pick } = useI18n();
  const n = story.scenes.length;
  const scene = snap ? story.scenes[snap.index] : undefined;
  const notice = snap?.notice;
  return (
    <>
      {notice && (
        <div className="story-notice" role="status" data-testid="story-skipped" data-scene={notice.index}>
          {t('story.skipped', { n: notice.index + 1, reason: t(SKIP_KEY[notice.reason]) })}
        </div>
      )}
      {snap?.allBroken && <div className="overlay-msg error" data-testid="story-all-broken">{t('story.allBroken')}</div>}
      <div className="story-caption-box">
        {scene && !snap?.preparing && !snap?.allBroken && (
          <p className="story-caption" data-testid="story-caption" key={snap?.index}>{pick(scene.caption)}</p>
        )}
        {snap?.simTimeS !== null && snap?.simTimeS !== undefined && !snap.preparing && (
          <span className="story-simtime" data-testid="story-simtime">{t('story.simTime', { t: clock(snap.simTimeS) })}</span>
        )}
        <div className="story-progress" aria-hidden>
          {story.scenes.map((_, i) => (
            <span key={i} className={`story-dot${snap && i < snap.index ? ' done' : ''}${snap?.skipped.some((s) => s.index === i) ? ' skipped' : ''}`}>
              {snap && i === snap.index && <span className="story-fill" style={{ width: `${Math.round(snap.progress * 100)}%` }} />}
            </span>
          ))}
        </div>
        {showControls && (
          <div className="story-controls">
            <button type="button" className="btn" data-testid="story-prev" onClick={onPrev} aria-label={t('story.prev')}>‹ {t('story.prev')}</button>
            <button type="button" className="btn primary" data-testid="story-pause" onClick={onToggle}>
              {snap?.ended ? t('story.restart') : snap?.playing ? `❚❚ ${t('story.pause')}` : `▶ ${t('story.play')}`}
            </button>
            <button type="button" className="btn" data-testid="story-next" onClick={onNext} aria-label={t('story.next')}>{t('story.next')} ›</button>
            <span className="story-count muted" data-testid="story-count">
              {snap?.ended ? t('story.ended') : t('story.scene', { n: (snap?.index ?? 0) + 1, total: n })}
            </span>
          </div>
        )}
      </div>
    </>
  );
}
