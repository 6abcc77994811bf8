'use client';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { TwinEngine } from '../../../scene/TwinEngine';
import { useI18n } from '../../i18n';
import { useTRPC } from '../../trpc';
import { StoryPlayer } from '../story/StoryPlayer';
import { startOrbit } from './orbit';

/**
 * The attract loop: the city's published stories one after another with the story player (a
 * single story loops), or, when none is published (or the server cannot be asked), a slow orbit
 * over the city; under a calm "touch to explore". Any touch on it calls onWake.
 */
export function Attract({ city, engine, ready, onWake }: { city: string; engine: TwinEngine | null; ready: boolean; onWake: () => void }) {
  const { t } = useI18n();
  const trpc = useTRPC();
  // kept from the last answer while the server is away; asked again every minute
  const published = useQuery(trpc.stories.published.queryOptions({ city }, { refetchInterval: 60_000, retry: 1, staleTime: 30_000 }));
  const stories = published.data ?? [];
  const [i, setI] = useState(0);
  const story = stories.length ? stories[i % stories.length]! : null;

  // no story: the orbit, after the reset's flight home
  useEffect(() => {
    if (story || !engine || !ready) return;
    return startOrbit(engine, 1600);
  }, [story, engine, ready]);

  return (
    <div className={`kiosk-attract${story ? ' with-story' : ''}`} data-testid="kiosk-attract" data-story={story?.id ?? ''}
      onPointerDown={(e) => { e.preventDefault(); onWake(); }}>
      {story && engine && ready && (
        <StoryPlayer key={story.id} story={story} engine={engine} loop={stories.length === 1} autoplay showControls={false}
          onEnd={() => setI((k) => k + 1)} />
      )}
      <div className="kiosk-attract-card">
        <p className="big">{t('kiosk.touch')}</p>
        <p>{t('kiosk.touchSub')}</p>
      </div>
    </div>
  );
}
