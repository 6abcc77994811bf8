'use client';
import { useEffect, useRef } from 'react';

/** What counts as someone at the screen: any touch, press, drag, wheel or key, anywhere. */
const EVENTS = ['pointerdown', 'pointermove', 'touchstart', 'wheel', 'keydown'] as const;

export interface IdleClock {
  /** performance.now() of the last input */
  last: number;
}

/**
 * Calls onIdle once when nobody has touched the page for idleMs while `watching` (the city is
 * shown and the attract loop is off); the clock restarts on every input. Returns the clock
 * (tests expire it).
 */
export function useIdle(idleMs: number, watching: boolean, onIdle: () => void): IdleClock {
  const clock = useRef<IdleClock>({ last: 0 }).current;
  const live = useRef({ idleMs, watching, onIdle });
  // the idle time counts from when watching starts (the city ready, the attract loop ended)
  if (watching && !live.current.watching) clock.last = performance.now();
  live.current = { idleMs, watching, onIdle };
  useEffect(() => {
    clock.last = performance.now();
    const touch = (e: Event) => {
      if (e.type === 'pointermove' && (e as PointerEvent).buttons === 0 && (e as PointerEvent).pointerType === 'mouse') return;
      clock.last = performance.now();
    };
    for (const t of EVENTS) window.addEventListener(t, touch, { capture: true, passive: true });
    const iv = setInterval(() => {
      const l = live.current;
      if (l.watching && performance.now() - clock.last > l.idleMs) {
        clock.last = performance.now();
        l.onIdle();
      }
    }, 250);
    return () => {
      clearInterval(iv);
      for (const t of EVENTS) window.removeEventListener(t, touch, { capture: true });
    };
  }, [clock]);
  return clock;
}
