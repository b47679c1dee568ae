/**
 * Every language says everything English says, with the same placeholders, and every error code
 * the server can send has words in every language.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import ar from '../../src/lock/i18n/ar.js';
import de from '../../src/lock/i18n/de.js';
import { en } from '../../src/lock/i18n/en.js';
import es from '../../src/lock/i18n/es.js';
import fr from '../../src/lock/i18n/fr.js';
import type { LanguageTable } from '../../src/lock/i18n/index.js';
import ja from '../../src/lock/i18n/ja.js';
import ptBR from '../../src/lock/i18n/pt-br.js';
import { ERROR_CODES } from '../../src/shared/errors.js';

const tables: Record<string, LanguageTable> = { en, de, fr, es, 'pt-BR': ptBR, ja, ar };

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? '').sort();
}

describe('translation tables', () => {
  it('translate every error code the server can send', () => {
    for (const code of ERROR_CODES) assert.ok(Object.hasOwn(en, code), `en lacks ${code}`);
  });

  for (const [language, table] of Object.entries(tables)) {
    it(`${language}: same placeholders as English, plural forms only for known keys`, () => {
      for (const [key, text] of Object.entries(table as Record<string, string>)) {
        const base = key.replace(/_(zero|one|two|few|many)$/, '');
        const english = (en as Record<string, string>)[key] ?? (en as Record<string, string>)[base];
        assert.ok(english !== undefined, `${language}.${key} is not a key of English`);
        // A plural form may spell the number out ("one character"), so it may drop {count}.
        const expected = placeholders(english).filter((name) => key === base || name !== 'count');
        const actual = placeholders(text).filter((name) => key === base || name !== 'count');
        assert.deepEqual(actual, expected, `${language}.${key}`);
        assert.notEqual(text.trim(), '', `${language}.${key} is empty`);
      }
    });
  }
});
