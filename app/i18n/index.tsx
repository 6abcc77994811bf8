'use client';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { isLang, langFromTag, translate, type Lang } from './lang';
import type { MessageKey } from './zh';

// One i18n mechanism for the whole UI: two dictionaries with the same keys, a context, t(key,
// params). Domain names (component classes, states, five colours) come from models/ with their
// zh/en fields through pick(). The default follows the browser; a choice is remembered.

const STORAGE_KEY = 'city-twin.lang';

interface I18n {
  lang: Lang;
  setLang(l: Lang): void;
  t(key: MessageKey, params?: Record<string, string | number>): string;
  /** the zh or en field of a bilingual name from models/ */
  pick(x: { zh: string; en: string }): string;
  /** locale-aware number / date formatting */
  num(n: number, digits?: number): string;
  date(iso: string): string;
}

const Ctx = createContext<I18n | null>(null);

export function I18nProvider({ initial, children }: { initial: Lang; children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initial);
  useEffect(() => {
    const saved = localStorage.getItem(STORAGE_KEY);
    const want = isLang(saved) ? saved : langFromTag(navigator.language);
    if (want !== lang) setLangState(want);
    // only on mount
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    document.title = translate(lang, 'app.title');
  }, [lang]);
  const setLang = useCallback((l: Lang) => {
    localStorage.setItem(STORAGE_KEY, l);
    setLangState(l);
  }, []);
  const value = useMemo<I18n>(() => {
    const locale = lang === 'zh' ? 'zh-CN' : 'en-GB';
    // one formatter per precision: toLocaleString with options builds a new Intl.NumberFormat per
    // call, which was most of a Hud update (two dozen counts every status tick)
    const formats = new Map<number, Intl.NumberFormat>();
    const fmt = (digits: number) => {
      let f = formats.get(digits);
      if (!f) formats.set(digits, (f = new Intl.NumberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: digits })));
      return f;
    };
    return {
      lang,
      setLang,
      t: (key, params) => translate(lang, key, params),
      pick: (x) => x[lang],
      num: (n, digits = 0) => fmt(digits).format(n),
      date: (iso) => new Date(iso).toLocaleString(locale, { dateStyle: 'short', timeStyle: 'medium' }),
    };
  }, [lang, setLang]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(Ctx);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}

export type { Lang, MessageKey };
