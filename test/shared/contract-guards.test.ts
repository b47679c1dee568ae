/**
 * The widget checks server answers with hand-written guards (zod does not fit its size budget);
 * this holds them to the zod schemas the server uses, on valid answers and on broken ones.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  isErrorEnvelope,
  isPasswordRules,
  isPublicConfig,
  isUser,
  isUsernameRules,
} from '../../src/lock/contract-guards.js';
import {
  errorEnvelopeSchema,
  passwordRuleResultSchema,
  publicConfigSchema,
  userSchema,
  usernameRuleResultSchema,
} from '../../src/shared/api.js';
import { checkPassword, checkUsername, resolvePasswordPolicy, resolveUsernamePolicy } from '../../src/shared/policy/index.js';
import * as z from 'zod/mini';

const config = {
  signup: { enabled: true },
  passwordReset: { enabled: true },
  username: resolveUsernamePolicy({ enabled: true }),
  password: resolvePasswordPolicy({ strength: 'excellent', history: 2, dictionary: { custom: ['x'] } }),
  social: [{ id: 'google', name: 'Google', type: 'google' }],
};

const user = {
  user_id: 'auth0|0123456789abcdef01234567',
  email: 'a@example.com',
  email_verified: false,
  username: 'a',
  identities: [{ provider: 'auth0', user_id: '0123456789abcdef01234567' }],
  created_at: '2026-11-22T10:00:00.000Z',
  updated_at: '2026-11-22T10:00:00.000Z',
  logins_count: 0,
};

/** Every way to break a valid value one step: drop a key, or swap a value for another type. */
function mutations(value: unknown): unknown[] {
  if (Array.isArray(value)) {
    const items: readonly unknown[] = value;
    return [null, {}, ...items.flatMap((item, index) => mutations(item).map((broken) => items.with(index, broken)))];
  }
  if (typeof value !== 'object' || value === null) {
    return [null, 'text', 42, 1.5, true, [], {}].filter((other) => typeof other !== typeof value || other === null);
  }
  const record = value as Record<string, unknown>;
  return [
    [],
    ...Object.keys(record).flatMap((key) => {
      const { [key]: _dropped, ...rest } = record;
      return [rest, ...mutations(record[key]).map((broken) => ({ ...record, [key]: broken }))];
    }),
  ];
}

function agree(name: string, guard: (value: unknown) => boolean, schema: z.ZodMiniType, valid: unknown): void {
  it(`${name}: the guard and the schema agree on the valid value and ${mutations(valid).length} broken ones`, () => {
    assert.equal(guard(valid), true, 'the valid value passes the guard');
    assert.equal(schema.safeParse(valid).success, true, 'the valid value passes the schema');
    for (const broken of mutations(valid)) {
      assert.equal(guard(broken), schema.safeParse(broken).success, JSON.stringify(broken));
    }
  });
}

describe('contract guards agree with the zod schemas', () => {
  agree('PublicConfig', isPublicConfig, publicConfigSchema, config);
  agree('User', isUser, userSchema, user);
  agree('error envelope', isErrorEnvelope, errorEnvelopeSchema, { error: { code: 'x', message: 'y', rules: [] } });
  agree(
    'password rules',
    isPasswordRules,
    z.array(passwordRuleResultSchema),
    checkPassword('Ab1', config.password, { email: 'a@example.com', score: 1, reusesRecentPassword: false }).rules,
  );
  agree('username rules', isUsernameRules, z.array(usernameRuleResultSchema), checkUsername('a b', config.username).rules);
});
