/**
 * quickImportRow checks the common import row by hand instead of through zod: whenever it accepts
 * a row, importRowSchema must accept it too and give the same data; what it declines goes to zod.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import bcryptjs from 'bcryptjs';
import fc from 'fast-check';

import { importRowSchema, quickImportRow } from '../../src/server/services/user-import.js';

const HASH = bcryptjs.hashSync('correct horse', 4);

/** Strings near every limit, with the padding, case and characters the checks care about. */
function textAround(lengths: readonly number[]): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(...lengths).map((length) => 'x'.repeat(length)),
    fc.tuple(fc.constantFrom('', ' ', '\t', '\n', '\u00a0', '\u2028', '\ufeff'), fc.string({ maxLength: 8 }), fc.constantFrom('', ' ', '\r\n', '\u3000')).map(
      ([before, middle, after]) => `${before}${middle}${after}`,
    ),
    fc.constantFrom('', ' ', 'Zoë 😀', 'a|b', 'a b', 'ok_1', 'İstanbul', 'ǅ'),
  );
}

const email = fc.oneof(
  fc.constantFrom(
    'ada@example.com',
    ' Ada@Example.COM ',
    'a@b.co',
    'a@b.c',
    'x@y',
    'dot.@example.com',
    'a.b+c@sub.example.org',
    'KELVIN@EXAMPLE.COM',
    'İ@example.com',
    `${'a'.repeat(243)}@example.com`,
    `${'a'.repeat(242)}@example.com`,
    '',
  ),
  fc.stringMatching(/^[A-Za-z0-9._+'-]{0,6}@[A-Za-z0-9.-]{0,6}$/),
);

const anyValue = fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.string({ maxLength: 3 }), fc.constant([]), fc.constant({}));

const metadata = fc.oneof(
  fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
  fc.constant({ big: 'x'.repeat(64 * 1024 - 10) }),
  fc.constant({ big: 'x'.repeat(64 * 1024) }),
  fc.constant([1, 2]),
  fc.constant(null),
);

/** Mostly a usual value, now and then an edge case. */
function usually<T>(usual: fc.Arbitrary<T>, edge: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 8, arbitrary: usual }, { weight: 1, arbitrary: edge });
}

const fields = {
  email: usually(fc.constantFrom('ada@example.com', ' Ada@Example.COM '), email),
  email_verified: usually(fc.boolean(), anyValue),
  user_id: usually(fc.stringMatching(/^[a-z0-9]{1,12}$/), fc.oneof(textAround([0, 1, 200, 201]), anyValue)),
  username: usually(fc.stringMatching(/^[a-z0-9_]{1,12}$/), fc.oneof(textAround([0, 1, 128, 129]), anyValue)),
  given_name: usually(fc.string({ minLength: 1, maxLength: 10 }), fc.oneof(textAround([0, 1, 150, 151]), anyValue)),
  family_name: usually(fc.string({ minLength: 1, maxLength: 10 }), textAround([150, 151])),
  name: usually(fc.string({ minLength: 1, maxLength: 10 }), textAround([200, 201])),
  nickname: usually(fc.string({ minLength: 1, maxLength: 10 }), textAround([300, 301])),
  blocked: usually(fc.boolean(), anyValue),
  app_metadata: usually(fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }), metadata),
  user_metadata: usually(fc.constant({}), metadata),
  password_hash: usually(fc.constant(HASH), fc.oneof(fc.constant(HASH.replace('$04$', '$03$')), fc.constant(HASH.slice(1)), anyValue)),
};

/** Fields the quick check leaves to zod. */
const otherFields = {
  picture: fc.constantFrom('https://example.com/a.png', 'ftp://x'),
  custom_password_hash: fc.constant({ algorithm: 'md5', hash: { value: 'x' } }),
  unknown_field: anyValue,
};

/** A row with some of the fields (each its own JSON value, as parsed from a file), now and then one the quick check leaves to zod. */
const row = fc
  .tuple(fc.record(fields, { requiredKeys: [] }), fc.option(fc.record(otherFields, { requiredKeys: [] }), { freq: 3 }))
  .map(([common, other]) => JSON.parse(JSON.stringify({ ...common, ...other })) as unknown);

describe('quickImportRow', () => {
  it('accepts only what importRowSchema accepts, with the same data', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof(row, anyValue), (value) => {
        const quick = quickImportRow(value);
        if (quick === undefined) return;
        accepted++;
        const parsed = importRowSchema.safeParse(value);
        assert.ok(parsed.success, `the schema refuses ${JSON.stringify(value)}: ${JSON.stringify(parsed.error?.issues)}`);
        assert.deepStrictEqual(quick, parsed.data);
      }),
      { numRuns: 5000 },
    );
    assert.ok(accepted > 50, `only ${accepted} rows were checked by hand`);
  });

  it('accepts the usual row', () => {
    const value = {
      email: ' Ada@Example.com',
      email_verified: true,
      user_id: 'abc123',
      username: 'ada',
      given_name: ' Ada ',
      family_name: 'Lovelace',
      name: 'Ada Lovelace',
      app_metadata: { plan: 'pro' },
      user_metadata: {},
      password_hash: HASH,
    };
    assert.deepStrictEqual(quickImportRow(value), importRowSchema.parse(value));
    assert.equal(quickImportRow({ ...value, picture: 'https://example.com/a.png' }), undefined);
  });
});
