/**
 * The contract between the widget and the server: zod schemas of every request and response body
 * and of the policies, with their inferred types.
 *
 * Written against `zod/mini` because the widget imports this file and its size budget cannot carry
 * classic zod; the server composes these schemas with classic zod where it wants its conveniences.
 */
import * as z from 'zod/mini';

import {
  EMAIL_LENGTH_LIMIT,
  EMAIL_PATTERN,
  NAME_LENGTH_LIMIT,
  PASSWORD_FIELD_LIMIT,
  PASSWORD_MAX_LENGTH_LIMIT,
  PASSWORD_MIN_LENGTH_LIMIT,
  USERNAME_LENGTH_LIMIT,
} from './limits.js';

export * from './limits.js';

// ---------------------------------------------------------------------------------------------
// Password policy

export const STRENGTH_LEVELS = ['none', 'low', 'fair', 'good', 'excellent'] as const;
export type StrengthLevel = (typeof STRENGTH_LEVELS)[number];

export const CHARACTER_CLASSES = ['lower', 'upper', 'digit', 'special'] as const;
export type CharacterClass = (typeof CHARACTER_CLASSES)[number];

const customDictionaryEntriesSchema = z.array(z.string().check(z.minLength(1), z.maxLength(128))).check(
  z.maxLength(1000),
);

/** A password policy with every rule spelled out: what the server enforces and the widget shows. */
export const passwordPolicySchema = z
  .strictObject({
    strength: z.enum(STRENGTH_LEVELS),
    minLength: z.int().check(z.gte(1), z.lte(PASSWORD_MIN_LENGTH_LIMIT)),
    maxLength: z.int().check(z.gte(1), z.lte(PASSWORD_MAX_LENGTH_LIMIT)),
    minScore: z.int().check(z.gte(0), z.lte(4)),
    dictionary: z.strictObject({ common: z.boolean(), custom: customDictionaryEntriesSchema }),
    noPersonalInfo: z.boolean(),
    history: z.int().check(z.gte(0), z.lte(24)),
  })
  .check(
    z.refine((policy) => policy.maxLength >= policy.minLength, {
      message: 'maxLength must be at least minLength',
      path: ['maxLength'],
    }),
  );
export type PasswordPolicy = z.infer<typeof passwordPolicySchema>;

/**
 * The password policy as an operator writes it: every key optional. `resolvePasswordPolicy` (in
 * `policy/`) fills the defaults of design §4, some of which depend on the chosen strength preset.
 */
export const passwordPolicyInputSchema = z.strictObject({
  strength: z.optional(z.enum(STRENGTH_LEVELS)),
  minLength: z.optional(z.int().check(z.gte(1), z.lte(PASSWORD_MIN_LENGTH_LIMIT))),
  maxLength: z.optional(z.int().check(z.gte(1), z.lte(PASSWORD_MAX_LENGTH_LIMIT))),
  minScore: z.optional(z.int().check(z.gte(0), z.lte(4))),
  dictionary: z.optional(
    z.union([
      z.boolean(),
      z.strictObject({
        common: z.optional(z.boolean()),
        custom: z.optional(customDictionaryEntriesSchema),
      }),
    ]),
  ),
  noPersonalInfo: z.optional(z.boolean()),
  history: z.optional(z.int().check(z.gte(0), z.lte(24))),
});
export type PasswordPolicyInput = z.infer<typeof passwordPolicyInputSchema>;

// ---------------------------------------------------------------------------------------------
// Username policy

export const usernamePolicySchema = z
  .strictObject({
    /** Whether accounts may have a username at all (and log in with it). */
    enabled: z.boolean(),
    /** Whether sign-up demands one. */
    required: z.boolean(),
    minLength: z.int().check(z.gte(1), z.lte(USERNAME_LENGTH_LIMIT)),
    maxLength: z.int().check(z.gte(1), z.lte(USERNAME_LENGTH_LIMIT)),
  })
  .check(
    z.refine((policy) => policy.maxLength >= policy.minLength, {
      message: 'maxLength must be at least minLength',
      path: ['maxLength'],
    }),
    z.refine((policy) => policy.enabled || !policy.required, {
      message: 'a required username needs enabled: true',
      path: ['required'],
    }),
  );
export type UsernamePolicy = z.infer<typeof usernamePolicySchema>;

export const usernamePolicyInputSchema = z.strictObject({
  enabled: z.optional(z.boolean()),
  required: z.optional(z.boolean()),
  minLength: z.optional(z.int().check(z.gte(1), z.lte(USERNAME_LENGTH_LIMIT))),
  maxLength: z.optional(z.int().check(z.gte(1), z.lte(USERNAME_LENGTH_LIMIT))),
});
export type UsernamePolicyInput = z.infer<typeof usernamePolicyInputSchema>;

// ---------------------------------------------------------------------------------------------
// Rule results: what the checklist shows and what `invalid_password` / `invalid_username` carry.
// `ok: null` means "not known here": a rule whose data has not loaded yet in the browser, or one
// only the server can decide. The server always answers with booleans.

const knownOrPending = z.nullable(z.boolean());

export const passwordRuleResultSchema = z.discriminatedUnion('id', [
  z.object({ id: z.literal('min_length'), ok: z.boolean(), min: z.int() }),
  z.object({ id: z.literal('max_length'), ok: z.boolean(), max: z.int() }),
  z.object({
    id: z.literal('character_classes'),
    ok: z.boolean(),
    required: z.int(),
    classes: z.array(z.enum(CHARACTER_CLASSES)),
    present: z.array(z.enum(CHARACTER_CLASSES)),
  }),
  z.object({ id: z.literal('identical_characters'), ok: z.boolean(), max: z.int() }),
  z.object({ id: z.literal('min_score'), ok: knownOrPending, min: z.int(), score: z.nullable(z.int()) }),
  z.object({ id: z.literal('dictionary'), ok: knownOrPending }),
  z.object({ id: z.literal('personal_info'), ok: knownOrPending }),
  z.object({ id: z.literal('history'), ok: knownOrPending, count: z.int() }),
]);
export type PasswordRuleResult = z.infer<typeof passwordRuleResultSchema>;
export type PasswordRuleId = PasswordRuleResult['id'];

export const usernameRuleResultSchema = z.discriminatedUnion('id', [
  z.object({ id: z.literal('min_length'), ok: z.boolean(), min: z.int() }),
  z.object({ id: z.literal('max_length'), ok: z.boolean(), max: z.int() }),
  z.object({ id: z.literal('allowed_characters'), ok: z.boolean(), invalid: z.array(z.string()) }),
  z.object({ id: z.literal('not_email'), ok: z.boolean() }),
]);
export type UsernameRuleResult = z.infer<typeof usernameRuleResultSchema>;
export type UsernameRuleId = UsernameRuleResult['id'];

// ---------------------------------------------------------------------------------------------
// GET /api/config

export const socialProviderSummarySchema = z.object({
  /** The provider's id, as in `/api/social/{id}`. */
  id: z.string(),
  /** The name to show ("Continue with {name}"). */
  name: z.string(),
  /** What kind of provider it is, so the widget can show its mark: google, facebook, github, oidc. */
  type: z.string(),
});
export type SocialProviderSummary = z.infer<typeof socialProviderSummarySchema>;

export const publicConfigSchema = z.object({
  signup: z.object({ enabled: z.boolean() }),
  passwordReset: z.object({ enabled: z.boolean() }),
  username: usernamePolicySchema,
  password: passwordPolicySchema,
  social: z.array(socialProviderSummarySchema),
});
export type PublicConfig = z.infer<typeof publicConfigSchema>;

// ---------------------------------------------------------------------------------------------
// Request bodies

/** Emails are trimmed and lowercased before anything else looks at them. */
export const emailSchema = z
  .string()
  .check(
    z.trim(),
    z.toLowerCase(),
    z.minLength(3),
    z.maxLength(EMAIL_LENGTH_LIMIT),
    z.email({ pattern: EMAIL_PATTERN }),
  );

const passwordFieldSchema = z.string().check(z.maxLength(PASSWORD_FIELD_LIMIT));

export const signupBodySchema = z.strictObject({
  email: emailSchema,
  password: passwordFieldSchema,
  // Usernames are checked by the username policy, which reports every rule; the schema only bounds
  // the size so that the policy never sees unbounded input.
  username: z.optional(z.string().check(z.maxLength(USERNAME_LENGTH_LIMIT * 2))),
  name: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(NAME_LENGTH_LIMIT))),
});
export type SignupBody = z.infer<typeof signupBodySchema>;

export const loginBodySchema = z.strictObject({
  identifier: z.string().check(z.trim(), z.minLength(1), z.maxLength(EMAIL_LENGTH_LIMIT)),
  password: passwordFieldSchema.check(z.minLength(1)),
});
export type LoginBody = z.infer<typeof loginBodySchema>;

export const passwordResetRequestBodySchema = z.strictObject({ email: emailSchema });
export type PasswordResetRequestBody = z.infer<typeof passwordResetRequestBodySchema>;

export const passwordResetConfirmBodySchema = z.strictObject({
  token: z.string().check(z.minLength(1), z.maxLength(200)),
  password: passwordFieldSchema.check(z.minLength(1)),
});
export type PasswordResetConfirmBody = z.infer<typeof passwordResetConfirmBodySchema>;

// ---------------------------------------------------------------------------------------------
// Responses

export const identitySchema = z.object({
  provider: z.string(),
  user_id: z.string(),
});

export const userSchema = z.object({
  user_id: z.string(),
  email: z.string(),
  email_verified: z.boolean(),
  username: z.optional(z.string()),
  name: z.optional(z.string()),
  picture: z.optional(z.string()),
  identities: z.array(identitySchema),
  created_at: z.string(),
  updated_at: z.string(),
  last_login: z.optional(z.string()),
  logins_count: z.int(),
});
export type User = z.infer<typeof userSchema>;

export const userResponseSchema = z.object({ user: userSchema });
export type UserResponse = z.infer<typeof userResponseSchema>;

/**
 * Every error body. Details beyond `code` and `message` are kept (`rules`, `path`, ...). The code
 * is read as any string so that a widget older than its server still shows a generic message for
 * a code it does not know yet.
 */
export const errorEnvelopeSchema = z.object({
  error: z.looseObject({
    code: z.string(),
    message: z.string(),
  }),
});
