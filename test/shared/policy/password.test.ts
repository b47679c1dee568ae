import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import type { PasswordPolicy, PasswordPolicyInput, PasswordRuleResult } from '../../../src/shared/api.js';
import {
  checkPassword,
  evaluatePassword,
  loadStrengthEstimator,
  personalInfoTokens,
  resolvePasswordPolicy,
  type StrengthEstimator,
} from '../../../src/shared/policy/index.js';

/** Everything off but what the test turns on. */
function policyWith(input: PasswordPolicyInput): PasswordPolicy {
  return resolvePasswordPolicy({ strength: 'none', minScore: 0, dictionary: false, noPersonalInfo: false, ...input });
}

function rule<Id extends PasswordRuleResult['id']>(
  rules: readonly PasswordRuleResult[],
  id: Id,
): Extract<PasswordRuleResult, { id: Id }> | undefined {
  return rules.find((entry): entry is Extract<PasswordRuleResult, { id: Id }> => entry.id === id);
}

describe('resolvePasswordPolicy', () => {
  it('fills the defaults of design §4', () => {
    assert.deepEqual(resolvePasswordPolicy(), {
      strength: 'good',
      minLength: 8,
      maxLength: 128,
      minScore: 2,
      dictionary: { common: true, custom: [] },
      noPersonalInfo: true,
      history: 0,
    });
  });

  it('takes the minimum length from the chosen preset unless given', () => {
    assert.equal(resolvePasswordPolicy({ strength: 'excellent' }).minLength, 10);
    assert.equal(resolvePasswordPolicy({ strength: 'low' }).minLength, 6);
    assert.equal(resolvePasswordPolicy({ strength: 'low', minLength: 20 }).minLength, 20);
  });

  it('accepts the dictionary as a switch or with custom entries', () => {
    assert.deepEqual(resolvePasswordPolicy({ dictionary: false }).dictionary, { common: false, custom: [] });
    assert.deepEqual(resolvePasswordPolicy({ dictionary: { custom: ['acme'] } }).dictionary, {
      common: true,
      custom: ['acme'],
    });
    assert.deepEqual(resolvePasswordPolicy({ dictionary: { common: false, custom: ['acme'] } }).dictionary, {
      common: false,
      custom: ['acme'],
    });
  });
});

describe('checkPassword', () => {
  it('lists every rule of the policy in checklist order', () => {
    const policy = resolvePasswordPolicy({ strength: 'excellent', history: 3 });
    assert.deepEqual(
      checkPassword('x', policy).rules.map((entry) => entry.id),
      [
        'min_length',
        'max_length',
        'character_classes',
        'identical_characters',
        'min_score',
        'dictionary',
        'personal_info',
        'history',
      ],
    );
  });

  it('leaves out rules that are switched off', () => {
    const policy = policyWith({ strength: 'low' });
    assert.deepEqual(
      checkPassword('abcdef', policy).rules.map((entry) => entry.id),
      ['min_length', 'max_length'],
    );
  });

  it('counts length in code points after NFC normalisation', () => {
    const policy = policyWith({ minLength: 3, maxLength: 4 });
    assert.equal(checkPassword('😀😀😀', policy).ok, true, 'three emoji are three characters');
    assert.equal(checkPassword('e\u0301e\u0301', policy).ok, false, 'two composed é are two characters');
    assert.equal(checkPassword('e\u0301e\u0301e\u0301', policy).ok, true);
    assert.equal(checkPassword('abcde', policy).ok, false);
    assert.deepEqual(rule(checkPassword('abcde', policy).rules, 'max_length'), { id: 'max_length', ok: false, max: 4 });
  });

  it('never throws on lone surrogates', () => {
    const result = checkPassword('\uD800abc\uDFFF', resolvePasswordPolicy());
    assert.equal(rule(result.rules, 'min_length')?.ok, false);
  });

  it('min_score is pending until a score is given, then compares it', () => {
    const policy = policyWith({ minScore: 3 });
    assert.deepEqual(rule(checkPassword('whatever', policy).rules, 'min_score'), {
      id: 'min_score',
      ok: null,
      min: 3,
      score: null,
    });
    assert.equal(checkPassword('whatever', policy).ok, false, 'a pending rule is not a pass');
    assert.equal(rule(checkPassword('whatever', policy, { score: 2 }).rules, 'min_score')?.ok, false);
    assert.equal(rule(checkPassword('whatever', policy, { score: 3 }).rules, 'min_score')?.ok, true);
  });

  it('custom dictionary entries match case-insensitively and at once', () => {
    const policy = policyWith({ dictionary: { common: true, custom: ['Provision-Lock'] } });
    assert.equal(rule(checkPassword('PROVISION-lock', policy).rules, 'dictionary')?.ok, false);
    assert.equal(rule(checkPassword('provision-lock-2', policy).rules, 'dictionary')?.ok, null, 'common list not loaded');
    const customOnly = policyWith({ dictionary: { common: false, custom: ['acme'] } });
    assert.equal(rule(checkPassword('acme-2', customOnly).rules, 'dictionary')?.ok, true);
  });

  it('personal_info refuses the email local part, the username and the name, in any case', () => {
    const policy = policyWith({ noPersonalInfo: true });
    const context = { email: 'jane.doe@example.com', username: 'jdoe42', name: 'Jane Marie Doe' };
    const verdict = (password: string): boolean | null | undefined =>
      rule(checkPassword(password, policy, context).rules, 'personal_info')?.ok;
    assert.equal(verdict('xxJANE.DOExx'), false, 'email local part');
    assert.equal(verdict('my-jdoe42-pw'), false, 'username');
    assert.equal(verdict('JaneMarieDoe!'), false, 'full name without spaces');
    assert.equal(verdict('marie-rocks'), false, 'one word of the name');
    assert.equal(verdict('Kettle-Drum-77'), true);
    assert.equal(verdict('example.com'), true, 'the email domain is not personal');
  });

  it('personal_info is pending while nothing is known about the user', () => {
    const policy = policyWith({ noPersonalInfo: true });
    assert.equal(rule(checkPassword('anything', policy).rules, 'personal_info')?.ok, null);
    assert.equal(rule(checkPassword('anything', policy, { email: '' }).rules, 'personal_info')?.ok, null);
    assert.equal(rule(checkPassword('anything', policy, { email: 'zed@example.com' }).rules, 'personal_info')?.ok, true);
  });

  it('personal_info ignores pieces shorter than three characters', () => {
    assert.deepEqual(personalInfoTokens({ name: 'Al', email: 'al@x.io' }), []);
    assert.deepEqual(personalInfoTokens({ name: 'Al Li' }), ['alli'], 'the whole name still counts');
    assert.deepEqual(personalInfoTokens({ email: 'jane' }), ['jane'], 'an email still being typed');
  });

  it('history is decided by the server and pending elsewhere', () => {
    const policy = policyWith({ history: 5 });
    assert.deepEqual(rule(checkPassword('a', policy).rules, 'history'), { id: 'history', ok: null, count: 5 });
    assert.equal(rule(checkPassword('a', policy, { reusesRecentPassword: true }).rules, 'history')?.ok, false);
    assert.equal(rule(checkPassword('a', policy, { reusesRecentPassword: false }).rules, 'history')?.ok, true);
  });
});

describe('strength estimate (zxcvbn-ts), loaded lazily', () => {
  let estimator: StrengthEstimator;
  before(async () => {
    estimator = await loadStrengthEstimator();
  });

  it('is loaded once and cached', async () => {
    assert.equal(await loadStrengthEstimator(), estimator);
  });

  it('scores guessable passwords low and random ones high', () => {
    assert.equal(estimator.score('password', []), 0);
    assert.equal(estimator.score('Zq8!mR2#vL9@', []), 4);
  });

  it('knows the common passwords, lowercased', () => {
    assert.equal(estimator.commonPasswords.has('password1'), true);
    assert.equal(estimator.commonPasswords.has('dragon'), true);
  });

  it('evaluatePassword decides every rule, feeding the user details to zxcvbn', async () => {
    const policy = policyWith({ minScore: 2, dictionary: true });
    const alone = await evaluatePassword('wrenfoxglove71', policy, {});
    assert.equal(alone.ok, true);
    const withOwnWords = await evaluatePassword('wrenfoxglove71', policy, { username: 'wrenfoxglove' });
    assert.deepEqual(rule(withOwnWords.rules, 'min_score'), { id: 'min_score', ok: false, min: 2, score: 1 });
    const common = await evaluatePassword('Baseball', policy, {});
    assert.equal(rule(common.rules, 'dictionary')?.ok, false, 'common passwords match case-insensitively');
    assert.ok(common.rules.every((entry) => entry.ok !== null), 'nothing left pending');
  });
});
