'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import type { ViewState } from '../../../models/viewState';
import { useI18n } from '../../i18n';
import { useTRPC } from '../../trpc';
import { useMe } from '../account/useMe';
import { draftOf, newDraft, StoryEditor, type StoryDraft } from './StoryEditor';

/**
 * The twin's Stories tab: the city's stories (drafts too for planners), each opened in the
 * editor (planners) or its player page (/story/<id>).
 */
export function StoriesPanel({ city, capture, onPreview }: { city: string; capture(): ViewState; onPreview(d: StoryDraft): void }) {
  const { t, pick } = useI18n();
  const trpc = useTRPC();
  const { canPlan } = useMe();
  const list = useQuery(trpc.stories.list.queryOptions({ city }));
  const [draft, setDraft] = useState<StoryDraft | null>(null);

  if (draft && canPlan) {
    return <StoryEditor draft={draft} onChange={setDraft} capture={capture} onPreview={onPreview} onClose={() => setDraft(null)} />;
  }
  const stories = list.data ?? [];
  return (
    <div className="stories-panel" data-testid="stories-panel">
      <h3>{t('stories.list')}</h3>
      {!canPlan && <p className="small muted">{t('stories.plannersOnly')}</p>}
      {canPlan && <button type="button" className="btn primary" data-testid="story-new" onClick={() => setDraft(newDraft(city))}>＋ {t('stories.new')}</button>}
      {list.isSuccess && !stories.length && <p className="small muted">{t('stories.none')}</p>}
      {list.isError && <p className="err small">{list.error.message}</p>}
      <ul className="stories-list">
        {stories.map((s) => (
          <li key={s.id} data-testid="story-item">
            <span className="name" title={pick(s.title)}>{pick(s.title)}</span>
            <span className={`story-badge${s.published ? ' on' : ''}`}>{t(s.published ? 'stories.published' : 'stories.draft')}</span>
            {canPlan && <button type="button" className="btn small" data-testid="story-edit" onClick={() => setDraft(draftOf(s))}>{t('stories.edit')}</button>}
            {s.published && <Link className="btn small ghost" href={`/story/${s.id}`} data-testid="story-open" title={t('stories.open')}>▶</Link>}
          </li>
        ))}
      </ul>
    </div>
  );
}
