import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  checkUsername,
  looksLikeEmail,
  normalizeUsername,
  resolveUsernamePolicy,
} from '../../../src/shared/policy/index.js';

const policy = resolveUsernamePolicy({ enabled: true });

function failing(username: string, minLength?: number, maxLength?: number): string[] {
  return checkUsername(username, resolveUsernamePolicy({ enabled: true, minLength, maxLength }))
    .rules.filter((rule) => !rule.ok)
    .map((rule) => rule.id);
}

describe('username policy', () => {
  it('defaults: off, optional, 1 to 15 characters', () => {
    assert.deepEqual(resolveUsernamePolicy(), { enabled: false, required: false, minLength: 1, maxLength: 15 });
    assert.equal(resolveUsernamePolicy({ required: true }).enabled, true, 'required implies enabled');
  });

  it('accepts letters, digits and _+-.!#$^`~@\'', () => {
    assert.equal(checkUsername("Jane_Doe+1-x.y!#$^`~@'", resolveUsernamePolicy({ enabled: true, maxLength: 40 })).ok, true);
  });

  it('names every character it refuses, once', () => {
    const result = checkUsername('jane doe%%', policy);
    assert.deepEqual(
      result.rules.find((rule) => rule.id === 'allowed_characters'),
      { id: 'allowed_characters', ok: false, invalid: [' ', '%'] },
    );
    assert.deepEqual(failing('josé'), ['allowed_characters'], 'ASCII only');
  });

  it('checks the length in characters on both ends', () => {
    assert.deepEqual(failing('ab', 3), ['min_length']);
    assert.deepEqual(failing('abc', 3), []);
    assert.deepEqual(failing('a'.repeat(16)), ['max_length']);
    assert.deepEqual(failing('a'.repeat(15)), []);
    assert.deepEqual(failing(''), ['min_length']);
  });

  it('refuses anything shaped like an email, but allows @ elsewhere', () => {
    assert.deepEqual(failing('jane@example.com', 1, 40), ['not_email']);
    assert.deepEqual(failing('jane@home', 1, 40), []);
    assert.equal(looksLikeEmail(' a@b.co '), true);
    assert.equal(looksLikeEmail('a@b'), false);
  });

  it('is stored trimmed and lowercase', () => {
    assert.equal(normalizeUsername('  JaneDoe '), 'janedoe');
  });
});
