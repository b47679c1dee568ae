/**
 * The common-password list as the widget's page holds it when a strength worker sent it: one
 * sorted string searched in place (src/lock/strength-messages.ts). It must answer exactly as the
 * Set the server and the same-thread fallback use.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import { joinSorted, sortedWordList } from '../../src/lock/strength-messages.js';
import { loadStrengthEstimator } from '../../src/shared/policy/strength.js';

describe('sortedWordList', () => {
  it('answers as a Set of the same words, for the words and for anything else', () => {
    // Short words over a small alphabet, so that searches often land on neighbours and prefixes.
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'z', '1', 'é', '😀', ' '), maxLength: 5 });
    fc.assert(
      fc.property(fc.array(word, { maxLength: 40 }), fc.array(word, { maxLength: 40 }), (words, probes) => {
        const set = new Set(words.filter((entry) => entry !== ''));
        const list = sortedWordList(joinSorted(set));
        for (const probe of [...words, ...probes, '', '\n']) assert.equal(list.has(probe), set.has(probe), JSON.stringify({ words, probe }));
      }),
      { numRuns: 2000 },
    );
  });

  it('holds an empty word and an empty list', () => {
    assert.equal(sortedWordList('').has(''), false);
    assert.equal(sortedWordList('').has('a'), false);
    const withEmpty = sortedWordList(joinSorted(['b', '', 'a']));
    for (const probe of ['', 'a', 'b']) assert.equal(withEmpty.has(probe), true, probe);
    assert.equal(withEmpty.has('c'), false);
  });

  it("finds every word of zxcvbn-ts's common-password list, and no near miss", async () => {
    const { commonPasswords } = await loadStrengthEstimator();
    const list = sortedWordList(joinSorted(commonPasswords));
    for (const entry of commonPasswords) {
      assert.equal(list.has(entry), true, entry);
      for (const nearMiss of [`${entry}\u0000`, `${entry}~`, entry.slice(0, -1)]) {
        assert.equal(list.has(nearMiss), commonPasswords.has(nearMiss), nearMiss);
      }
    }
  });
});
