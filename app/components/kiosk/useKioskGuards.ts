'use client';
import { useEffect } from 'react';

/**
 * What keeps a visitor in the kiosk: no long-press menu, no text selection or drag-out, no
 * browser pinch zoom of the page, no pull-to-refresh or swipe-back (overscroll and touch-action
 * on <html> while the kiosk is shown, app/styles/kiosk.css), no Safari gesture zoom.
 */
export function useKioskGuards() {
  useEffect(() => {
    const html = document.documentElement;
    html.classList.add('kiosk-html');
    const stop = (e: Event) => e.preventDefault();
    const blocked = ['contextmenu', 'selectstart', 'dragstart', 'gesturestart'] as const;
    for (const t of blocked) document.addEventListener(t, stop, { capture: true });
    // more than one finger on the page itself (outside the globe, which takes pinches) zooms nothing
    const multi = (e: TouchEvent) => { if (e.touches.length > 1 && !(e.target as Element).closest?.('.twin-globe')) e.preventDefault(); };
    document.addEventListener('touchmove', multi, { passive: false, capture: true });
    return () => {
      html.classList.remove('kiosk-html');
      for (const t of blocked) document.removeEventListener(t, stop, { capture: true });
      document.removeEventListener('touchmove', multi, { capture: true });
    };
  }, []);
}
