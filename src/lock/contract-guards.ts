/**
 * Checks of the server's answers, in the browser, without zod.
 *
 * The schemas in `src/shared/api.ts` describe these bodies with zod, and the server uses them.
 * The widget cannot bundle zod within its 20 KB budget (zod/mini alone costs about 8 KB gzipped
 * for these schemas), so it checks the same shapes here. Each `shape<T>()` must list a guard for
 * every key of the zod-inferred type, so a field added to the contract fails to compile here
 * until it is checked, and `test/shared/contract-guards.test.ts` runs both on the same payloads.
 */
import type {
  CharacterClass,
  PasswordRuleResult,
  PublicConfig,
  StrengthLevel,
  User,
  UsernameRuleResult,
} from '../shared/api.js';

type Guard<T> = (value: unknown) => value is T;
type Fields<T> = { readonly [Key in keyof T]-?: Guard<T[Key]> };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isString = (value: unknown): value is string => typeof value === 'string';
const isBoolean = (value: unknown): value is boolean => typeof value === 'boolean';
const isInteger = (value: unknown): value is number => Number.isInteger(value);
const isNullableBoolean = (value: unknown): value is boolean | null => value === null || isBoolean(value);
const isNullableInteger = (value: unknown): value is number | null => value === null || isInteger(value);

function oneOf<T extends string>(values: readonly T[]): Guard<T> {
  return (value): value is T => (values as readonly unknown[]).includes(value);
}

function arrayOf<T>(guard: Guard<T>): Guard<T[]> {
  return (value): value is T[] => Array.isArray(value) && value.every(guard);
}

function optional<T>(guard: Guard<T>): Guard<T | undefined> {
  return (value): value is T | undefined => value === undefined || guard(value);
}

function shape<T>(fields: Fields<T>): Guard<T> {
  return (value): value is T =>
    isRecord(value) &&
    Object.entries(fields).every(([key, guard]) => (guard as Guard<unknown>)(value[key]));
}

const isCharacterClass = oneOf<CharacterClass>(['lower', 'upper', 'digit', 'special']);

export const isPublicConfig: Guard<PublicConfig> = shape<PublicConfig>({
  signup: shape({ enabled: isBoolean }),
  passwordReset: shape({ enabled: isBoolean }),
  username: shape({ enabled: isBoolean, required: isBoolean, minLength: isInteger, maxLength: isInteger }),
  password: shape({
    strength: oneOf<StrengthLevel>(['none', 'low', 'fair', 'good', 'excellent']),
    minLength: isInteger,
    maxLength: isInteger,
    minScore: isInteger,
    dictionary: shape({ common: isBoolean, custom: arrayOf(isString) }),
    noPersonalInfo: isBoolean,
    history: isInteger,
  }),
  social: arrayOf(shape({ id: isString, name: isString, type: isString })),
});

export const isUser: Guard<User> = shape<User>({
  user_id: isString,
  email: isString,
  email_verified: isBoolean,
  username: optional(isString),
  name: optional(isString),
  picture: optional(isString),
  identities: arrayOf(shape({ provider: isString, user_id: isString })),
  created_at: isString,
  updated_at: isString,
  last_login: optional(isString),
  logins_count: isInteger,
});

/** The fields besides `id` that each password rule carries. */
const PASSWORD_RULES: { readonly [Id in PasswordRuleResult['id']]: Fields<Omit<Extract<PasswordRuleResult, { id: Id }>, 'id'>> } = {
  min_length: { ok: isBoolean, min: isInteger },
  max_length: { ok: isBoolean, max: isInteger },
  character_classes: {
    ok: isBoolean,
    required: isInteger,
    classes: arrayOf(isCharacterClass),
    present: arrayOf(isCharacterClass),
  },
  identical_characters: { ok: isBoolean, max: isInteger },
  min_score: { ok: isNullableBoolean, min: isInteger, score: isNullableInteger },
  dictionary: { ok: isNullableBoolean },
  personal_info: { ok: isNullableBoolean },
  history: { ok: isNullableBoolean, count: isInteger },
};

const USERNAME_RULES: { readonly [Id in UsernameRuleResult['id']]: Fields<Omit<Extract<UsernameRuleResult, { id: Id }>, 'id'>> } = {
  min_length: { ok: isBoolean, min: isInteger },
  max_length: { ok: isBoolean, max: isInteger },
  allowed_characters: { ok: isBoolean, invalid: arrayOf(isString) },
  not_email: { ok: isBoolean },
};

function ruleGuard<Rule extends { id: string }>(table: Readonly<Record<string, object>>): Guard<Rule> {
  return (value): value is Rule => {
    if (!isRecord(value) || !isString(value.id) || !Object.hasOwn(table, value.id)) return false;
    return shape(table[value.id] as Fields<unknown>)(value);
  };
}

export const isPasswordRules: Guard<PasswordRuleResult[]> = arrayOf(ruleGuard<PasswordRuleResult>(PASSWORD_RULES));
export const isUsernameRules: Guard<UsernameRuleResult[]> = arrayOf(ruleGuard<UsernameRuleResult>(USERNAME_RULES));

/** An error body: `{error: {code, message, ...details}}`. */
export const isErrorEnvelope = shape<{ error: { code: string; message: string } }>({
  error: shape({ code: isString, message: isString }),
});
