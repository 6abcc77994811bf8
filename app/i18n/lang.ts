// Pure language helpers, usable on the server (layout) and in the browser.
export type Lang = 'zh' | 'en';
export const LANGS: readonly Lang[] = ['zh', 'en'];

export function langFromTag(tag: string | null | undefined): Lang {
  return tag && tag.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

/** First language of an Accept-Language header. */
export function langFromAcceptLanguage(h: string | null): Lang {
  return langFromTag(h?.split(',')[0]?.trim());
}
