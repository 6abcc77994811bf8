'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Story, StoryScene } from '../../../models/story';
import type { ViewState } from '../../../models/viewState';
import { useI18n } from '../../i18n';
import { useTRPC } from '../../trpc';
import { clock } from '../flood/format';
import { trpcErrorText } from '../trpcError';

/** A story being edited: saved (id) or new. */
export interface StoryDraft {
  id?: string;
  city: string;
  title: { zh: string; en: string };
  scenes: StoryScene[];
  published: boolean;
}

export const newDraft = (city: string): StoryDraft => ({ city, title: { zh: '', en: '' }, scenes: [], published: false });
export const draftOf = (s: Story): StoryDraft => ({ id: s.id, city: s.city, title: s.title, scenes: s.scenes, published: s.published });
/** a draft as the player takes it (preview) */
export const storyOfDraft = (d: StoryDraft): Story => ({
  id: d.id ?? '00000000-0000-4000-8000-000000000000', city: d.city, title: d.title, scenes: d.scenes,
  published: d.published, updatedAt: `preview-${Date.now()}`, updatedBy: null,
});

/** a scene of what is on screen now; the share link's extras (comparison) are not part of a scene */
export function sceneOf(view: ViewState, old?: StoryScene): StoryScene {
  const { compare: _c, compareView: _v, swipe: _s, ...v } = view;
  return { view: v, caption: old?.caption ?? { zh: '', en: '' }, durationS: old?.durationS ?? 8, flightS: old?.flightS ?? 3, timeToS: v.run ? old?.timeToS : undefined };
}

/**
 * The planner's story editor (in the twin's Stories tab): title, scenes made from the current view
 * (camera, layers off, run and time, selection), their captions, stay, flight and rising water,
 * order; save, publish, delete, preview. The server validates and checks the role again.
 */
export function StoryEditor({ draft, onChange, capture, onPreview, onClose }: {
  draft: StoryDraft;
  onChange(d: StoryDraft): void;
  /** the view on screen now */
  capture(): ViewState;
  onPreview(d: StoryDraft): void;
  onClose(): void;
}) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [err, setErr] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.stories.list.queryKey({ city: draft.city }) });
  const onError = (e: { message: string; data?: unknown }) => { setErr(trpcErrorText(e)); setSaved(false); };
  const save = useMutation(trpc.stories.save.mutationOptions({ onError }));
  const publish = useMutation(trpc.stories.publish.mutationOptions({ onError }));
  const remove = useMutation(trpc.stories.remove.mutationOptions({ onError }));
  const busy = save.isPending || publish.isPending || remove.isPending;

  const set = (p: Partial<StoryDraft>) => { setSaved(false); onChange({ ...draft, ...p }); };
  const setScene = (i: number, p: Partial<StoryScene>) => set({ scenes: draft.scenes.map((s, j) => (j === i ? { ...s, ...p } : s)) });
  const move = (i: number, d: -1 | 1) => {
    const s = [...draft.scenes];
    [s[i], s[i + d]] = [s[i + d]!, s[i]!];
    set({ scenes: s });
  };

  const doSave = async (): Promise<Story | null> => {
    setErr(null);
    try {
      const s = await save.mutateAsync({ id: draft.id, city: draft.city, title: draft.title, scenes: draft.scenes });
      onChange({ ...draft, id: s.id, published: s.published });
      setSaved(true);
      void refresh();
      return s;
    } catch { return null; }
  };
  const doPublish = async (on: boolean) => {
    const s = await doSave();
    if (!s) return;
    const p = await publish.mutateAsync({ id: s.id, published: on }).catch(() => null);
    if (p) { onChange({ ...draft, id: p.id, published: p.published }); void refresh(); }
  };
  const doRemove = async () => {
    if (draft.id && !window.confirm(t('stories.confirmDelete'))) return;
    if (draft.id && !(await remove.mutateAsync({ id: draft.id }).catch(() => null))) return;
    void refresh();
    onClose();
  };

  return (
    <div className="story-edit stories-panel" data-testid="story-editor">
      <div className="row">
        <button type="button" className="btn ghost" onClick={onClose}>← {t('stories.list')}</button>
        <span className={`story-badge${draft.published ? ' on' : ''}`} data-testid="story-state">{t(draft.published ? 'stories.published' : 'stories.draft')}</span>
      </div>
      <label>{t('stories.titleZh')}<input data-testid="story-title-zh" value={draft.title.zh} onChange={(e) => set({ title: { ...draft.title, zh: e.target.value } })} /></label>
      <label>{t('stories.titleEn')}<input data-testid="story-title-en" value={draft.title.en} onChange={(e) => set({ title: { ...draft.title, en: e.target.value } })} /></label>
      <button type="button" className="btn primary" data-testid="story-add-view" onClick={() => set({ scenes: [...draft.scenes, sceneOf(capture())] })}>＋ {t('stories.addView')}</button>
      {!draft.scenes.length && <p className="small muted">{t('stories.noScenes')}</p>}
      <ol className="story-scenes">
        {draft.scenes.map((s, i) => (
          <li key={i} className="story-scene" data-testid="story-scene">
            <header>
              <strong className="grow">{t('stories.sceneN', { n: i + 1 })}</strong>
              <button type="button" className="btn small" disabled={i === 0} onClick={() => move(i, -1)} title={t('stories.up')} aria-label={t('stories.up')}>↑</button>
              <button type="button" className="btn small" disabled={i === draft.scenes.length - 1} onClick={() => move(i, 1)} title={t('stories.down')} aria-label={t('stories.down')} data-testid="story-scene-down">↓</button>
              <button type="button" className="btn small" onClick={() => set({ scenes: draft.scenes.filter((_, j) => j !== i) })} title={t('stories.delete')} aria-label={t('stories.delete')} data-testid="story-scene-delete">✕</button>
            </header>
            <span className="what">{t('stories.sceneView', {
              layers: s.view.layersOff?.length ?? 0,
              run: s.view.run ? t('stories.withRun', { t: clock(s.view.timeS ?? 0) }) : '',
              sel: s.view.selection ? t('stories.withSel') : '',
            })}</span>
            <label>{t('stories.captionZh')}<textarea data-testid="story-caption-zh" value={s.caption.zh} onChange={(e) => setScene(i, { caption: { ...s.caption, zh: e.target.value } })} /></label>
            <label>{t('stories.captionEn')}<textarea data-testid="story-caption-en" value={s.caption.en} onChange={(e) => setScene(i, { caption: { ...s.caption, en: e.target.value } })} /></label>
            <div className="nums">
              <label>{t('stories.duration')}<input type="number" min={2} max={600} step={1} data-testid="story-duration" value={s.durationS} onChange={(e) => setScene(i, { durationS: Number(e.target.value) })} /></label>
              <label>{t('stories.flight')}<input type="number" min={0} max={30} step={0.5} value={s.flightS} onChange={(e) => setScene(i, { flightS: Number(e.target.value) })} /></label>
              <label>{t('stories.waterTo')}<input type="number" min={0} step={60} disabled={!s.view.run} data-testid="story-water-to" value={s.timeToS ?? ''}
                onChange={(e) => setScene(i, { timeToS: e.target.value === '' ? undefined : Number(e.target.value) })} /></label>
            </div>
            <button type="button" className="btn small ghost" onClick={() => setScene(i, sceneOf(capture(), s))}>{t('stories.retake')}</button>
          </li>
        ))}
      </ol>
      {err && <p className="err" role="alert" data-testid="story-error">{err}</p>}
      <div className="row">
        <button type="button" className="btn" data-testid="story-save" disabled={busy} onClick={() => void doSave()}>{saved ? `✓ ${t('stories.saved')}` : t('stories.save')}</button>
        <button type="button" className="btn" data-testid="story-preview" disabled={!draft.scenes.length} onClick={() => onPreview(draft)}>▶ {t('stories.preview')}</button>
        <button type="button" className="btn" data-testid="story-publish" disabled={busy} onClick={() => void doPublish(!draft.published)}>{t(draft.published ? 'stories.unpublish' : 'stories.publish')}</button>
        <button type="button" className="btn ghost" data-testid="story-delete" disabled={busy} onClick={() => void doRemove()}>{t('stories.deleteStory')}</button>
      </div>
    </div>
  );
}
