import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { PasswordPolicy, PasswordRuleId, StrengthLevel } from '../../../src/shared/api.js';
import { checkPassword, resolvePasswordPolicy } from '../../../src/shared/policy/index.js';

/** Only the strength preset: every other rule off. */
function presetOnly(strength: StrengthLevel, minLength?: number): PasswordPolicy {
  return resolvePasswordPolicy({ strength, minLength, minScore: 0, dictionary: false, noPersonalInfo: false });
}

function verdict(password: string, strength: StrengthLevel, minLength?: number): boolean {
  return checkPassword(password, presetOnly(strength, minLength)).ok;
}

function failing(password: string, strength: StrengthLevel): PasswordRuleId[] {
  return checkPassword(password, presetOnly(strength))
    .rules.filter((rule) => rule.ok === false)
    .map((rule) => rule.id);
}

describe('strength presets on their boundaries', () => {
  it('none: any non-empty password', () => {
    assert.equal(verdict('', 'none'), false);
    assert.equal(verdict('a', 'none'), true);
    assert.equal(verdict(' ', 'none'), true);
  });

  it('low: six characters, nothing else', () => {
    assert.equal(verdict('abcde', 'low'), false);
    assert.equal(verdict('abcdef', 'low'), true);
    assert.equal(verdict('111111', 'low'), true);
  });

  it('fair: eight characters with lower, upper and digit, all three', () => {
    assert.equal(verdict('Abcdefg1', 'fair'), true);
    assert.equal(verdict('Abcdef1', 'fair'), false, 'seven characters');
    assert.equal(verdict('abcdefg1', 'fair'), false, 'no upper case');
    assert.equal(verdict('ABCDEFG1', 'fair'), false, 'no lower case');
    assert.equal(verdict('Abcdefgh', 'fair'), false, 'no digit');
    assert.equal(verdict('Abcdefg!', 'fair'), false, 'a special character does not stand in for a digit');
  });

  it('good: eight characters with three of lower, upper, digit and special', () => {
    assert.equal(verdict('Abcdefg1', 'good'), true);
    assert.equal(verdict('abcdef1!', 'good'), true);
    assert.equal(verdict('ABCD12!!', 'good'), true);
    assert.equal(verdict('abc def1', 'good'), true, 'space is a special character');
    assert.equal(verdict('abcdefg1', 'good'), false, 'two classes');
    assert.equal(verdict('Abcdef1', 'good'), false, 'seven characters');
    assert.deepEqual(failing('abcdefgh', 'good'), ['character_classes']);
  });

  it('excellent: ten characters, three of four classes, no character three times in a row', () => {
    assert.equal(verdict('Abcdefgh1!', 'excellent'), true);
    assert.equal(verdict('Abbcdefgh1', 'excellent'), true, 'two in a row is allowed');
    assert.equal(verdict('Abcdefg1!', 'excellent'), false, 'nine characters');
    assert.deepEqual(failing('Abbbcdefg1', 'excellent'), ['identical_characters']);
    assert.equal(verdict('Aaabcdefg1', 'excellent'), true, '"A" and "a" are different characters');
  });

  it('minLength overrides the preset minimum, up or down', () => {
    assert.equal(verdict('Abcdefg1', 'good', 12), false);
    assert.equal(verdict('Abcdefghij1!', 'good', 12), true);
    assert.equal(verdict('Ab1', 'fair', 3), true);
  });

  it('character classes are ASCII only', () => {
    assert.equal(verdict('Ääääbbbb1', 'fair'), false, 'Ä is not an upper-case letter here');
    assert.equal(verdict('ab١٢٣٤٥٦٧', 'fair'), false, 'Arabic-Indic digits are not digits here');
  });

  it('reports which classes are present', () => {
    const rule = checkPassword('abc!', presetOnly('good')).rules.find((entry) => entry.id === 'character_classes');
    assert.deepEqual(rule, {
      id: 'character_classes',
      ok: false,
      required: 3,
      classes: ['lower', 'upper', 'digit', 'special'],
      present: ['lower', 'special'],
    });
  });
});
