/**
 * The prefiltered dictionary lookup and l33t matcher (src/shared/policy/dictionary-prefilter.ts)
 * must give exactly the matches zxcvbn-ts's own lookup and matcher give. The reference is
 * zxcvbn-ts's ES module build, a second copy of its classes that the prefilter is never installed
 * on; the estimator under test is the one the server and the widget use, from the CommonJS build
 * Node loads for `@zxcvbn-ts/core`.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import * as core from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';
import fc from 'fast-check';

import getCleanPasswords from '@zxcvbn-ts/core/dist/matcher/dictionary/variants/matching/unmunger/getCleanPasswords.mjs';

import { hasDictionaryPrefilter, hasL33tPrefilter, installDictionaryPrefilter } from '../../src/shared/policy/dictionary-prefilter.js';
import { estimatorOptions, loadStrengthEstimator } from '../../src/shared/policy/strength.js';
import { loadReferenceZxcvbn, type ZxcvbnFactoryInstance as Factory } from './reference-zxcvbn.js';

const options = estimatorOptions(common, english);

let prefiltered: Factory;
let reference: Factory;

/** Every match zxcvbn-ts's matchers find, before scoring picks a sequence. */
function allMatches(factory: Factory, password: string, userInputs: string[]): unknown {
  const main: unknown = Reflect.get(factory, 'main');
  assert.equal(typeof main, 'function');
  return (main as (password: string, userInputs: string[]) => unknown).call(factory, password, userInputs);
}

/** The estimate without the time it took. */
function estimate(factory: Factory, password: string, userInputs: string[]): unknown {
  const { calcTime: _calcTime, ...result } = factory.check(password, userInputs);
  return result;
}

function assertSameAnswers(password: string, userInputs: string[]): void {
  const context = JSON.stringify({ password, userInputs });
  assert.deepStrictEqual(allMatches(prefiltered, password, userInputs), allMatches(reference, password, userInputs), context);
  assert.deepStrictEqual(estimate(prefiltered, password, userInputs), estimate(reference, password, userInputs), context);
}

describe('the prefiltered zxcvbn-ts dictionary lookup', () => {
  before(async () => {
    prefiltered = new core.ZxcvbnFactory(options);
    assert.equal(installDictionaryPrefilter(prefiltered, getCleanPasswords), true, 'the prefilter fits this version of zxcvbn-ts');
    assert.equal(hasL33tPrefilter(prefiltered), true, 'the l33t prefilter fits this version of zxcvbn-ts');
    reference = await loadReferenceZxcvbn();
  });

  it('is installed on the estimator the server and the widget use, and not on the reference', async () => {
    await loadStrengthEstimator();
    // The estimator's factory is private to strength.ts; a new factory shares its classes.
    assert.equal(hasDictionaryPrefilter(new core.ZxcvbnFactory({})), true);
    assert.equal(hasL33tPrefilter(new core.ZxcvbnFactory({})), true);
    assert.equal(hasDictionaryPrefilter(reference), false);
    assert.equal(hasL33tPrefilter(reference), false);
    assert.notEqual(Object.getPrototypeOf(reference), Object.getPrototypeOf(prefiltered));
  });

  it('finds the same matches and gives the same estimate on chosen passwords', () => {
    const cases: [string, string[]][] = [
      ['Correct-Horse-Battery-9', ['b-new-1@example.com']],
      ['P@$$w0rd1', []],
      ['M0nk3y$2020', []],
      ['johnsmith1990', ['john.smith@example.com', 'John', 'Smith']],
      ['htimsnhoj', ['johnsmith']],
      ['oneTwoThreeFourFive', []],
      ['correcthorsebatterystaple', []],
      // What a plain object answers for names it inherits: zxcvbn-ts's lookup finds them.
      ['constructor__proto__', []],
      ['Constructor1', ['__proto__']],
      // A user input that begins with letters no dictionary word begins with.
      ['Zq9xkw!2024', ['zq9xkw']],
      // l33t: a reading that is a word whole (no later reading is tried), symbols of several
      // characters for one letter, a symbol read as either of two letters ('1', '|'), and text
      // whose lower case is not letter for letter, where a word without a substitution counts.
      ['p4ssw0rd', []],
      ['|_|ser()nn|<vv2020', ['user']],
      ['l0ve!l0ve|', []],
      ['\\/\\/1nter$unn3r', []],
      ['İstanbul4dmin', []],
      ['ΣΑΣ4ΣΑ0σ', ['Σ4']],
      ['', []],
      ['a', ['a']],
      ['xK9#mP2$vL7!qR4&nT8', []],
      ['qwertyuiopasdfghjkl;zxcvbnm,./1234567890-=!@#$%^&*()_+QWERTYUIOP{}|', []],
    ];
    for (const [password, userInputs] of cases) assertSameAnswers(password, userInputs);
  });

  it('finds the same matches and gives the same estimate on generated passwords', () => {
    const words = ['password', 'monkey', 'dragon', 'love', 'john', 'smith', 'one', 'two', 'summer', 'constructor', 'drowssap'];
    const piece = fc.oneof(
      fc.constantFrom(...words),
      fc.constantFrom(...words).map((word) => word.toUpperCase()),
      // l33t spellings and separators
      fc.constantFrom('@', '$', '0', '1', '3', '4', '5', '7', '!', '|', '-', '_', '.', ' ', '2020', '1990'),
      fc.constantFrom('|_|', '()', 'vv', 'nn', '|<', '/\\/\\', '^^', '|)', '><'),
      // lower case that is not one code unit for one
      fc.constantFrom('İ', 'Σ', 'ß', 'ΑΣ'),
      fc.string({ maxLength: 6 }),
    );
    const password = fc.array(piece, { maxLength: 8 }).map((pieces) => pieces.join(''));
    const userInputs = fc.array(fc.oneof(fc.constantFrom(...words, 'jane.doe@example.com'), fc.string({ maxLength: 8 })), { maxLength: 3 });
    fc.assert(
      fc.property(password, userInputs, (generated, inputs) => {
        assertSameAnswers(generated, inputs);
      }),
      { numRuns: 300 },
    );
  });
});
