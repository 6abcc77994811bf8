'use client';
import { useState } from 'react';
import { useI18n } from '../../i18n';

/** Copies the page's address, which holds the view (useShareUrl), for another screen. */
export function ShareButton() {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    const url = location.href;
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      // no clipboard (plain http beyond localhost): let the planner copy it by hand
      window.prompt(t('share.copy'), url);
    }
  };
  return (
    <button type="button" className="btn" data-testid="share-copy" title={t('share.title')} onClick={() => void copy()}>
      {copied ? '✓' : (
        <svg width="14" height="14" viewBox="0 0 24 24" aria-hidden fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round"><path d="M10 13a5 5 0 0 0 7.5.5l3-3a5 5 0 0 0-7-7l-1.7 1.7" /><path d="M14 11a5 5 0 0 0-7.5-.5l-3 3a5 5 0 0 0 7 7l1.7-1.7" /></svg>
      )} {t(copied ? 'share.copied' : 'share.copy')}
    </button>
  );
}
