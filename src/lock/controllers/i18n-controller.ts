import type { ReactiveController, ReactiveControllerHost } from 'lit';

import {
  directionOf,
  en,
  loadLanguage,
  matchLanguage,
  translate,
  type LanguageTable,
  type SupportedLanguage,
  type TranslationKey,
  type TranslationOverrides,
  type TranslationParams,
} from '../i18n/index.js';

interface I18nHost extends ReactiveControllerHost, HTMLElement {
  translations: TranslationOverrides;
}

/**
 * Picks the language from the element's `lang`, else the nearest ancestor's, else the browser's,
 * loads its table on demand, and translates. Until a table arrives the widget speaks English.
 */
export class I18nController implements ReactiveController {
  language: SupportedLanguage = 'en';
  private table: LanguageTable = en;
  private requested: SupportedLanguage = 'en';

  constructor(private readonly host: I18nHost) {
    host.addController(this);
  }

  get direction(): 'ltr' | 'rtl' {
    return directionOf(this.language);
  }

  hostUpdate(): void {
    const tag = this.host.closest('[lang]')?.getAttribute('lang') || navigator.language;
    const wanted = matchLanguage(tag);
    if (wanted === this.requested) return;
    this.requested = wanted;
    loadLanguage(wanted).then(
      (table) => {
        if (this.requested !== wanted) return;
        this.language = wanted;
        this.table = table;
        this.host.requestUpdate();
      },
      () => undefined, // A language chunk that fails to load leaves the widget in English.
    );
  }

  t = (key: TranslationKey, params?: TranslationParams): string =>
    translate(this.language, this.table, this.host.translations, key, params);
}
