/**
 * Username rules (design §4): ASCII letters, digits and a few symbols, stored lowercase, never
 * shaped like an email so that a login identifier is an email or a username, never both.
 */
import type { UsernamePolicy, UsernamePolicyInput, UsernameRuleResult } from '../api.js';
import { codePoints, normalize } from './characters.js';

export interface UsernameCheck {
  ok: boolean;
  rules: UsernameRuleResult[];
}

const ALLOWED_CHARACTER = /^[A-Za-z0-9_+\-.!#$^`~@']$/;
const EMAIL_SHAPE = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

export function resolveUsernamePolicy(input: UsernamePolicyInput = {}): UsernamePolicy {
  const required = input.required ?? false;
  return {
    enabled: input.enabled ?? required,
    required,
    minLength: input.minLength ?? 1,
    maxLength: input.maxLength ?? 15,
  };
}

/** The form a username is stored and compared in. */
export function normalizeUsername(username: string): string {
  return normalize(username.trim()).toLowerCase();
}

/** Whether a login identifier or a would-be username has the shape of an email address. */
export function looksLikeEmail(value: string): boolean {
  return EMAIL_SHAPE.test(value.trim());
}

export function checkUsername(username: string, policy: UsernamePolicy): UsernameCheck {
  const normalized = normalizeUsername(username);
  const characters = codePoints(normalized);
  const invalid = [...new Set(characters.filter((character) => !ALLOWED_CHARACTER.test(character)))];
  const rules: UsernameRuleResult[] = [
    { id: 'min_length', ok: characters.length >= policy.minLength, min: policy.minLength },
    { id: 'max_length', ok: characters.length <= policy.maxLength, max: policy.maxLength },
    { id: 'allowed_characters', ok: invalid.length === 0, invalid },
    { id: 'not_email', ok: !looksLikeEmail(normalized) },
  ];
  return { ok: rules.every((rule) => rule.ok), rules };
}
