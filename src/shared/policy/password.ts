/**
 * The password rules of design §4, as one synchronous function that the widget runs on every
 * keystroke and the server runs as the authority.
 *
 * Rules that need data the caller may not have yet (the zxcvbn score, the common-password list,
 * the user's previous hashes) answer `ok: null` until the caller passes that data in the context;
 * `evaluatePassword` in `strength.ts` gathers it for the server.
 */
import type { PasswordPolicy, PasswordPolicyInput, PasswordRuleResult } from '../api.js';
import { codePoints, foldCase, hasCharacterClass, longestRun, normalize } from './characters.js';
import { STRENGTH_PRESETS } from './presets.js';

/** Who the password belongs to: feeds `personal_info` and the zxcvbn user inputs. */
export interface PersonalInfo {
  email?: string | undefined;
  username?: string | undefined;
  name?: string | undefined;
}

export interface PasswordContext extends PersonalInfo {
  /** zxcvbn-ts score (0..4) of this very password, once estimated. */
  score?: number | undefined;
  /** Lowercased common passwords, once loaded. */
  commonPasswords?: Pick<ReadonlySet<string>, 'has'> | undefined;
  /** Server only: whether the password repeats one of the user's last `history` passwords. */
  reusesRecentPassword?: boolean | undefined;
}

export interface PasswordCheck {
  /** True when every rule is known to pass. */
  ok: boolean;
  /** Every rule of the policy, in checklist order. */
  rules: PasswordRuleResult[];
}

const DEFAULT_STRENGTH = 'good';
const DEFAULT_MAX_LENGTH = 128;
const DEFAULT_MIN_SCORE = 2;

/** Fills in the defaults of design §4; the minimum length follows the chosen preset. */
export function resolvePasswordPolicy(input: PasswordPolicyInput = {}): PasswordPolicy {
  const strength = input.strength ?? DEFAULT_STRENGTH;
  const dictionary = input.dictionary;
  return {
    strength,
    minLength: input.minLength ?? STRENGTH_PRESETS[strength].minLength,
    maxLength: input.maxLength ?? DEFAULT_MAX_LENGTH,
    minScore: input.minScore ?? DEFAULT_MIN_SCORE,
    dictionary:
      typeof dictionary === 'object'
        ? { common: dictionary.common ?? true, custom: dictionary.custom ?? [] }
        : { common: dictionary ?? true, custom: [] },
    noPersonalInfo: input.noPersonalInfo ?? true,
    history: input.history ?? 0,
  };
}

/**
 * Pieces of personal information a password must not contain, lowercased: the email's local part,
 * the username, the name, and each of their words. Pieces shorter than three characters are left
 * out: refusing every password that contains "al" because the user is called Al helps nobody.
 */
export function personalInfoTokens(info: PersonalInfo): string[] {
  const MIN_TOKEN_LENGTH = 3;
  const tokens = new Set<string>();
  const add = (value: string | undefined): void => {
    if (!value) return;
    const lowered = foldCase(value);
    // Marks stay with their letters: "कमल" is one word, not three consonants and two vowel signs.
    for (const candidate of [lowered.replace(/\s+/g, ''), ...lowered.split(/[^\p{L}\p{M}\p{N}]+/u)]) {
      if (codePoints(candidate).length >= MIN_TOKEN_LENGTH) tokens.add(candidate);
    }
  };
  // While someone is still typing an email there may be no "@" yet: all of it is the local part.
  const email = info.email?.trim() ?? '';
  const at = email.lastIndexOf('@');
  add(at === -1 ? email : email.slice(0, at));
  add(info.username);
  add(info.name);
  return [...tokens];
}

export function checkPassword(password: string, policy: PasswordPolicy, context: PasswordContext = {}): PasswordCheck {
  const normalized = normalize(password);
  const length = codePoints(normalized).length;
  const preset = STRENGTH_PRESETS[policy.strength];
  const rules: PasswordRuleResult[] = [
    { id: 'min_length', ok: length >= policy.minLength, min: policy.minLength },
    { id: 'max_length', ok: length <= policy.maxLength, max: policy.maxLength },
  ];

  if (preset.characterClasses) {
    const { required, classes } = preset.characterClasses;
    const present = classes.filter((characterClass) => hasCharacterClass(normalized, characterClass));
    rules.push({ id: 'character_classes', ok: present.length >= required, required, classes: [...classes], present });
  }
  if (preset.maxIdenticalRun !== undefined) {
    rules.push({
      id: 'identical_characters',
      ok: longestRun(normalized) <= preset.maxIdenticalRun,
      max: preset.maxIdenticalRun,
    });
  }
  if (policy.minScore > 0) {
    const score = context.score ?? null;
    rules.push({ id: 'min_score', ok: score === null ? null : score >= policy.minScore, min: policy.minScore, score });
  }
  if (policy.dictionary.common || policy.dictionary.custom.length > 0) {
    rules.push({ id: 'dictionary', ok: dictionaryVerdict(normalized, policy, context.commonPasswords) });
  }
  if (policy.noPersonalInfo) {
    // Without any detail about the user (a reset form knows only its token) nothing can be
    // compared yet: the rule stays open for the server, which always knows.
    const known = Boolean(context.email || context.username || context.name);
    const lowered = foldCase(normalized);
    rules.push({
      id: 'personal_info',
      ok: known ? !personalInfoTokens(context).some((token) => lowered.includes(token)) : null,
    });
  }
  if (policy.history > 0) {
    const reused = context.reusesRecentPassword;
    rules.push({ id: 'history', ok: reused === undefined ? null : !reused, count: policy.history });
  }

  return { ok: rules.every((rule) => rule.ok === true), rules };
}

/** A custom entry settles the verdict at once; the common list only once it has been loaded. */
function dictionaryVerdict(
  normalized: string,
  policy: PasswordPolicy,
  commonPasswords: Pick<ReadonlySet<string>, 'has'> | undefined,
): boolean | null {
  const lowered = foldCase(normalized);
  if (policy.dictionary.custom.some((entry) => foldCase(entry) === lowered)) return false;
  if (!policy.dictionary.common) return true;
  if (!commonPasswords) return null;
  return !commonPasswords.has(lowered);
}
