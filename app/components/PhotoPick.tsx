'use client';
import { useState } from 'react';
import { useI18n } from '../i18n';

/**
 * A photo from the camera or the files, with its button and "none chosen" in the page's language
 * (the browser's own file button speaks the browser's language, not the page's).
 */
export function PhotoPick({ label, testId, onPick }: { label: string; testId: string; onPick(file: File | null): void }) {
  const { t } = useI18n();
  const [name, setName] = useState<string | null>(null);
  return (
    <div className="photo-pick">
      <span>{label}</span>
      <label className="btn small">
        {t('photo.pick')}
        <input type="file" accept="image/*" capture="environment" hidden data-testid={testId}
          onChange={(e) => { const f = e.target.files?.[0] ?? null; setName(f?.name ?? null); onPick(f); }} />
      </label>
      <span className="muted small">{name ?? t('photo.none')}</span>
    </div>
  );
}
