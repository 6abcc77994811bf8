'use client';
import { useQuery } from '@tanstack/react-query';
import { useRef } from 'react';
import type { CockpitSummary } from '../../../models/cockpit';
import { useTRPC } from '../../trpc';
import type { Lang, MessageKey } from '../../i18n';
import { translate } from '../../i18n/lang';

/** how often the screen asks for the vital signs (ms), and how many readings a sparkline keeps */
export const SUMMARY_EVERY_MS = 5000;
export const SPARK_POINTS = 72;

/** The cockpit's own language: ?lang=en or Chinese (a wall screen does not follow one visitor's choice). */
export interface CockpitText { lang: Lang; t(key: MessageKey, params?: Record<string, string | number>): string; num(n: number, digits?: number): string }
export function cockpitText(lang: Lang): CockpitText {
  const f = new Map<number, Intl.NumberFormat>();
  const locale = lang === 'zh' ? 'zh-CN' : 'en-GB';
  return {
    lang,
    t: (key, params) => translate(lang, key, params),
    num: (n, d = 0) => {
      let x = f.get(d);
      if (!x) f.set(d, (x = new Intl.NumberFormat(locale, { maximumFractionDigits: d, minimumFractionDigits: d })));
      return x.format(n);
    },
  };
}

/**
 * The vital signs, polled; each KPI's recent readings for its sparkline in a fixed-size buffer
 * per card (a screen that runs for days holds SPARK_POINTS numbers per card, no more).
 */
export function useCockpitSummary(city: string, values: (s: CockpitSummary) => Record<string, number | null>) {
  const trpc = useTRPC();
  const q = useQuery({ ...trpc.cockpit.summary.queryOptions({ city }), refetchInterval: SUMMARY_EVERY_MS, refetchIntervalInBackground: true, retry: true });
  const hist = useRef(new Map<string, Float32Array>());
  const lastAt = useRef(0);
  const s = q.data;
  if (s && s.at !== lastAt.current) {
    lastAt.current = s.at;
    for (const [k, v] of Object.entries(values(s))) {
      let h = hist.current.get(k);
      if (!h) hist.current.set(k, (h = new Float32Array(SPARK_POINTS).fill(NaN)));
      h.copyWithin(0, 1);
      h[SPARK_POINTS - 1] = v ?? NaN;
    }
  }
  return { summary: s ?? null, history: hist.current, error: q.error?.message ?? null };
}
