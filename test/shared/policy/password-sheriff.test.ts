/**
 * Our presets against Auth0's own implementation, password-sheriff: on every ASCII password the
 * verdicts must agree, for each preset and for minimum lengths other than the preset's own.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import sheriff from 'password-sheriff';

import { STRENGTH_LEVELS, type StrengthLevel } from '../../../src/shared/api.js';
import { checkPassword, resolvePasswordPolicy, STRENGTH_PRESETS } from '../../../src/shared/policy/index.js';

const { PasswordPolicy, charsets } = sheriff;
const allFour = [charsets.lowerCase, charsets.upperCase, charsets.numbers, charsets.specialCharacters];

/** Auth0's preset with a different minimum length, built from sheriff's own rules. */
function sheriffWithMinLength(strength: StrengthLevel, minLength: number): { check(password: string): boolean } {
  const length = { minLength };
  switch (strength) {
    case 'none':
    case 'low':
      return new PasswordPolicy({ length });
    case 'fair':
      return new PasswordPolicy({
        length,
        contains: { expressions: [charsets.lowerCase, charsets.upperCase, charsets.numbers] },
      });
    case 'good':
      return new PasswordPolicy({ length, containsAtLeast: { atLeast: 3, expressions: allFour } });
    case 'excellent':
      return new PasswordPolicy({
        length,
        containsAtLeast: { atLeast: 3, expressions: allFour },
        identicalChars: { max: 2 },
      });
  }
}

/** A small deterministic PRNG (mulberry32), so a failure names a case that reproduces. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ASCII_PRINTABLE = Array.from({ length: 95 }, (_, index) => String.fromCharCode(32 + index)).join('');
const ALPHABETS = ['abc', 'ABC', '012', ' !@#~\\"', 'aA1!', 'aaaaAb1', ASCII_PRINTABLE];

function passwordTable(): string[] {
  const handPicked = [
    '', ' ', 'a', 'abcde', 'abcdef', 'Abcdefg1', 'Abcdef1', 'abcdefg1', 'ABCDEFG1', 'Abcdefgh', 'Abcdefg!',
    'abcdef1!', 'ABCD12!!', 'abc def1', 'Abcdefgh1!', 'Abbcdefgh1', 'Abbbcdefg1', 'Aaabcdefg1', '111111111111',
    'Password1', 'P@ssw0rd', 'aaaaaaaaaaaa', 'AAA111aaa!!!', 'AAbb11cc!!dd', 'Tr0ub4dour&3', '\\\\\\abcDEF12',
    '`~`~`~`~`~aB1', '          ', 'aB1         ', '{|}~[]^_', 'zZ9 zZ9 zZ9',
  ];
  const next = random(20261122);
  const generated: string[] = [];
  for (let index = 0; index < 4000; index += 1) {
    const alphabet = ALPHABETS[index % ALPHABETS.length] ?? ASCII_PRINTABLE;
    const length = Math.floor(next() * 15);
    let password = '';
    for (let position = 0; position < length; position += 1) {
      password += alphabet[Math.floor(next() * alphabet.length)];
    }
    generated.push(password);
  }
  return [...handPicked, ...generated];
}

describe('presets agree with password-sheriff', () => {
  const passwords = passwordTable();

  for (const strength of STRENGTH_LEVELS) {
    it(`${strength}: same verdict on ${passwords.length} ASCII passwords`, () => {
      const reference = sheriff(strength);
      const policy = resolvePasswordPolicy({ strength, minScore: 0, dictionary: false, noPersonalInfo: false });
      for (const password of passwords) {
        assert.equal(checkPassword(password, policy).ok, reference.check(password), `"${password}" under ${strength}`);
      }
    });

    it(`${strength}: same verdict with other minimum lengths`, () => {
      const presetMinimum = STRENGTH_PRESETS[strength].minLength;
      for (const minLength of [1, 4, presetMinimum + 3, 12]) {
        const reference = sheriffWithMinLength(strength, minLength);
        const policy = resolvePasswordPolicy({ strength, minLength, minScore: 0, dictionary: false, noPersonalInfo: false });
        for (const password of passwords) {
          assert.equal(
            checkPassword(password, policy).ok,
            reference.check(password),
            `"${password}" under ${strength} with minLength ${minLength}`,
          );
        }
      }
    });
  }
});
