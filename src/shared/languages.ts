/**
 * The widget's built-in languages, shared so the server's pages can pick the same language the
 * widget will speak (from Accept-Language).
 */
export const SUPPORTED_LANGUAGES = ['en', 'de', 'fr', 'es', 'pt-BR', 'ja', 'ar'] as const;
export type SupportedLanguage = (typeof SUPPORTED_LANGUAGES)[number];

const RIGHT_TO_LEFT: ReadonlySet<SupportedLanguage> = new Set(['ar']);

/** The built-in language for a BCP 47 tag: exact match, then by primary subtag; undefined if none. */
export function findLanguage(tag: string | undefined): SupportedLanguage | undefined {
  const lowered = (tag ?? '').trim().toLowerCase();
  if (!lowered) return undefined;
  const exact = SUPPORTED_LANGUAGES.find((language) => language.toLowerCase() === lowered);
  if (exact) return exact;
  const primary = lowered.split(/[-_]/)[0];
  return SUPPORTED_LANGUAGES.find((language) => language.toLowerCase().split('-')[0] === primary);
}

/** Like `findLanguage`, English when nothing matches. */
export function matchLanguage(tag: string | undefined): SupportedLanguage {
  return findLanguage(tag) ?? 'en';
}

export function directionOf(language: SupportedLanguage): 'ltr' | 'rtl' {
  return RIGHT_TO_LEFT.has(language) ? 'rtl' : 'ltr';
}

/** The best built-in language for an Accept-Language header, by quality, English when none fits. */
export function negotiateLanguage(acceptLanguage: string | undefined): SupportedLanguage {
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((entry, index) => {
      const [tag = '', ...parameters] = entry.split(';');
      const quality = parameters.map((parameter) => /^\s*q=([0-9.]+)\s*$/.exec(parameter)?.[1]).find(Boolean);
      return { tag: tag.trim(), quality: quality === undefined ? 1 : Number(quality), index };
    })
    .filter((entry) => entry.tag && entry.tag !== '*' && entry.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.index - b.index);
  for (const entry of ranked) {
    const language = findLanguage(entry.tag);
    if (language) return language;
  }
  return 'en';
}
