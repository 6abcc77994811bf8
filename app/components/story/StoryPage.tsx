'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { storyIdSchema } from '../../../models/story';
import { useI18n } from '../../i18n';
import { useTRPC } from '../../trpc';
import { LangSwitch } from '../LangSwitch';
import { StoryPlayer } from './StoryPlayer';

/** /story/<id>: a story played read-only, for anyone who may see the twin. */
export function StoryPage({ id }: { id: string }) {
  const { t, pick } = useI18n();
  const trpc = useTRPC();
  const valid = storyIdSchema.safeParse(id).success;
  const q = useQuery({ ...trpc.stories.get.queryOptions({ id }), enabled: valid, retry: false });
  const story = q.data;
  return (
    <div className="twin story-page">
      <header className="topbar twin-bar">
        {story && <Link href={`/twin/${story.city}`} className="btn ghost">← {t('story.back')}</Link>}
        <div className="title">
          <h1 data-testid="story-title">{story ? pick(story.title) : ''}</h1>
          <span className="muted small">{t('story.readOnly')}</span>
        </div>
        <LangSwitch />
      </header>
      <div className="stage-wrap">
        {story ? <StoryPlayer story={story} /> : (
          <div className={`overlay-msg${!valid || q.isError ? ' error' : ''}`} data-testid="story-missing">
            {!valid || q.error?.data?.code === 'NOT_FOUND' ? t('story.notFound') : q.isError ? q.error.message : t('story.loading')}
          </div>
        )}
      </div>
    </div>
  );
}
