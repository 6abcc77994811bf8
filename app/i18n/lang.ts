import { en } from './en';
import { zh, type MessageKey } from './zh';

// Pure language helpers, usable on the server (layout) and in the browser.
export type Lang = 'zh' | 'en';
export const LANGS: readonly Lang[] = ['zh', 'en'];

const DICTS: Record<Lang, Record<MessageKey, string>> = { zh, en };

export function translate(lang: Lang, key: MessageKey, params?: Record<string, string | number>): string {
  let s = DICTS[lang][key] ?? key;
  if (params) for (const [k, v] of Object.entries(params)) s = s.split(`{${k}}`).join(String(v));
  return s;
}

export function isLang(x: unknown): x is Lang {
  return LANGS.includes(x as Lang);
}

export function langFromTag(tag: string | null | undefined): Lang {
  return tag && tag.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

/** First language of an Accept-Language header. */
export function langFromAcceptLanguage(h: string | null): Lang {
  return langFromTag(h?.split(',')[0]?.trim());
}
