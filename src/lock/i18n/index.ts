/**
 * Translation tables and lookup. English is built in; the others are separate modules, imported
 * on demand, so a page in English never downloads them.
 */
import type { SupportedLanguage } from '../../shared/languages.js';
import { en, type PluralSuffix, type TranslationKey, type Translations } from './en.js';

export { directionOf, matchLanguage, type SupportedLanguage } from '../../shared/languages.js';
export { en, type TranslationKey, type Translations };

/** Plural forms are optional for every key: a language adds those its grammar needs (Arabic, five). */
export type LanguageTable = Translations & Readonly<Partial<Record<`${TranslationKey}${PluralSuffix}`, string>>>;

/** Strings a page overrides through the `translations` property, in any language. */
export type TranslationOverrides = Readonly<Partial<Record<string, string>>>;

export type TranslationParams = Readonly<Record<string, string | number>>;

const LOADERS = {
  de: () => import('./de.js'),
  fr: () => import('./fr.js'),
  es: () => import('./es.js'),
  'pt-BR': () => import('./pt-br.js'),
  ja: () => import('./ja.js'),
  ar: () => import('./ar.js'),
} satisfies Record<Exclude<SupportedLanguage, 'en'>, () => Promise<{ default: LanguageTable }>>;

export async function loadLanguage(language: SupportedLanguage): Promise<LanguageTable> {
  if (language === 'en') return en;
  return (await LOADERS[language]()).default;
}

/** One `Intl.PluralRules` per language: making one costs more than the rest of a lookup. */
const pluralRules = new Map<SupportedLanguage, Intl.PluralRules>();

/**
 * Looks a key up in the overrides, then the language's table, then English, picking the plural
 * form for `{count}` and filling the placeholders.
 */
export function translate(
  language: SupportedLanguage,
  table: LanguageTable,
  overrides: TranslationOverrides,
  key: TranslationKey,
  params: TranslationParams = {},
): string {
  const lookup = (candidate: string): string | undefined =>
    overrides[candidate] ?? (table as Readonly<Record<string, string>>)[candidate];
  let text: string | undefined;
  if (typeof params.count === 'number') {
    let rules = pluralRules.get(language);
    if (!rules) pluralRules.set(language, (rules = new Intl.PluralRules(language)));
    const category = rules.select(params.count);
    if (category !== 'other') text = lookup(`${key}_${category}`);
  }
  text ??= lookup(key) ?? en[key];
  return text.replace(/\{(\w+)\}/g, (placeholder, name: string) => String(params[name] ?? placeholder));
}
