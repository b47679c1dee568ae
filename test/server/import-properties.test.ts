/**
 * Property-based tests of the bulk importer (src/server/services/user-import.ts), through the real
 * app: generated user files are uploaded to `POST /api/v2/jobs/users-imports` as multipart with the
 * connection's id, the job runs to its end (`jobs.runUntilIdle()`), and the outcome is read back
 * from the job, its error report (`GET /api/v2/jobs/:id/errors`) and the database.
 *
 * The files mix valid rows with rows that carry unknown fields, values of the wrong type, bad
 * emails, random `custom_password_hash` objects, both hashes, duplicated emails, usernames and
 * user_ids (within the file and against earlier imports), random usernames and rows that are not
 * objects at all. For every file, the properties prove:
 *
 * - every row is either fully imported or reported, never both and never neither: there is a
 *   one-to-one pairing of the rows with the job's new users and its report entries (in file order),
 *   where an imported row's user holds exactly the row's fields as the README says they are stored
 *   (emails trimmed and lowercased, usernames lowercase, names trimmed, `auth0|` before a user_id,
 *   metadata as given) and a password credential if and only if the row gave a hash, that hash;
 * - nothing is half written: no user without its credential when a hash was given, no credential
 *   without its user, no user the job does not count;
 * - the summary adds up: inserted + failed equals the number of rows, nothing is "updated" (upsert
 *   is off), and the counts match the users and report entries found;
 * - the report never holds `password_hash` or `custom_password_hash`, nor any of their values.
 *
 * Two kinds of input get properties of their own, so that each shows under its own name: strings
 * that are not well-formed UTF-16 (lone surrogates, which JSON can carry as `\ud800`), and metadata
 * keys that are names of Object.prototype (`__proto__`, `constructor`). The general generator
 * leaves them out.
 *
 * Every run starts its own server on a fresh SQLite file, so that runs are independent and a
 * failure replays exactly from its seed.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { isDeepStrictEqual } from 'node:util';

import fc from 'fast-check';

import type { CredentialRow } from '../../src/server/store/credentials-repository.js';
import type { UserRow } from '../../src/server/store/users-repository.js';
import { removeTestFolders, rowCount, startTestServer, type TestServer } from './helpers.js';

after(removeTestFolders);

const ADMIN_TOKEN = 'import-properties-management-token-0123456789';
const AUTH = { authorization: `Bearer ${ADMIN_TOKEN}` };
const SEED = 20261122;

/** README "Importing and exporting users": the only fields a row may have. */
const IMPORT_FIELDS: ReadonlySet<string> = new Set([
  'email',
  'email_verified',
  'user_id',
  'username',
  'given_name',
  'family_name',
  'name',
  'nickname',
  'picture',
  'blocked',
  'app_metadata',
  'user_metadata',
  'password_hash',
  'custom_password_hash',
]);

type Row = Record<string, unknown>;

interface JobBody {
  id: string;
  status: string;
  failure?: string;
  summary: { inserted: number; updated: number; failed: number; total: number };
}

interface ReportEntry {
  user: unknown;
  errors: { code: unknown; message: unknown; path: unknown }[];
}

interface StoredUser {
  user: UserRow;
  credential: CredentialRow | undefined;
}

function isRow(value: unknown): value is Row {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Swaps the case of the ASCII letters where `mask` says so. */
function flipAsciiCase(text: string, mask: readonly boolean[]): string {
  let index = 0;
  return text.replace(/[A-Za-z]/g, (letter) => {
    if (mask.length === 0 || mask[index++ % mask.length] !== true) return letter;
    return letter === letter.toLowerCase() ? letter.toUpperCase() : letter.toLowerCase();
  });
}

// ---------------------------------------------------------------------------------------------
// Generators. Small pools of emails, usernames and user_ids make duplicates common, within a
// file and across the (up to) two imports of a run.

const POOL_EMAILS = ['ada@example.com', 'grace@example.org', 'alan@example.net', 'edsger@example.io'];
const POOL_USERNAMES = ['ada', 'Ada', 'grace_h', 'a.b-c', "o'neil"];
const POOL_USER_IDS = ['legacy-1', 'legacy-2', '5f7c8ec7c33c6c004bbafe82'];

/** Well-formed text in any script (the lone-surrogate property below covers the rest). */
const anyText = (maxLength: number): fc.Arbitrary<string> => fc.string({ unit: 'grapheme', maxLength });

const validEmail = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.constantFrom(...POOL_EMAILS), fc.array(fc.boolean(), { maxLength: 6 }), fc.constantFrom('', ' ', '\t'))
      .map(([email, mask, padding]) => `${padding}${flipAsciiCase(email, mask)}${padding}`),
  },
  { weight: 2, arbitrary: fc.stringMatching(/^[a-z0-9]{1,8}@[a-z]{1,6}\.(com|org)$/) },
);
const badEmail = fc.oneof(
  fc.constantFrom('not-an-email', '', '   ', 'a@b', '@example.com', 'ada@', 'ü@example.com', 'a b@example.com', 'ada@example.com\u0000', `${'x'.repeat(250)}@example.com`),
  anyText(20),
);

const validUsername = fc.oneof(fc.constantFrom(...POOL_USERNAMES), fc.stringMatching(/^[a-z0-9_.]{1,10}$/));
const randomUsername = fc.oneof(
  fc.constantFrom('has space', 'ada@example.com', 'josé', '', '  ', 'x'.repeat(129), 'ADA '),
  fc.string({ unit: 'grapheme-ascii', maxLength: 12 }),
  anyText(8),
);

const validUserId = fc.oneof(fc.constantFrom(...POOL_USER_IDS), fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/));
const randomUserId = fc.oneof(fc.constantFrom('has space', 'has|pipe', '', 'x'.repeat(201)), anyText(10));

const validText = (max: number): fc.Arbitrary<string> =>
  fc.oneof(anyText(20).filter((text) => text.trim().length > 0 && text.trim().length <= max), fc.constantFrom(' Padded Name ', 'Jane Doe'));
const badText = fc.constantFrom('', '   ', 'x'.repeat(301));

const validPicture = fc.oneof(fc.webUrl(), fc.constantFrom('https://example.com/a.png', 'http://localhost/p.png'));
const badPicture = fc.constantFrom('ftp://example.com/x', 'not a url', 'javascript:alert(1)', `https://example.com/${'x'.repeat(2000)}`);

/** Metadata objects of any JSON; keys that name Object.prototype members have their own property. */
const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty'];
const metadata = fc.dictionary(
  anyText(8).filter((key) => !PROTOTYPE_NAMES.includes(key)),
  fc.jsonValue({ maxDepth: 2, stringUnit: 'grapheme' }),
  { maxKeys: 4 },
);
const badMetadata = fc.oneof(fc.constantFrom<unknown>([], 'plan', 42, null), fc.constant({ blob: 'x'.repeat(70 * 1024) }));

const bcryptHash = fc
  .tuple(fc.constantFrom('2a', '2b', '2y'), fc.integer({ min: 4, max: 15 }), fc.stringMatching(/^[./A-Za-z0-9]{53}$/))
  .map(([version, cost, rest]) => `$${version}$${String(cost).padStart(2, '0')}$${rest}`);
const badBcryptHash = fc.oneof(
  fc.constantFrom(`$2b$03$${'a'.repeat(53)}`, `$2b$16$${'a'.repeat(53)}`, '$2b$10$short', 'plain-text-password'),
  fc.string(),
);

const unpaddedBase64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64').replace(/=+$/, '');

/** A `custom_password_hash` in the shape the README's table documents for its algorithm. */
const validCustomHash = fc
  .record({
    algorithm: fc.constantFrom('md4', 'md5', 'sha1', 'sha256', 'sha512', 'hmac', 'ldap', 'argon2', 'pbkdf2', 'scrypt', 'bcrypt'),
    bytes: fc.uint8Array({ minLength: 64, maxLength: 64 }),
    encoding: fc.constantFrom('hex', 'base64'),
    salt: fc.option(fc.stringMatching(/^[a-z0-9]{1,12}$/), { nil: undefined }),
    position: fc.option(fc.constantFrom('prefix', 'suffix'), { nil: undefined }),
    bcrypt: bcryptHash,
  })
  .map(({ algorithm, bytes, encoding, salt, position, bcrypt }): Row => {
    const encoded = (length: number): string => Buffer.from(bytes.subarray(0, length)).toString(encoding === 'hex' ? 'hex' : 'base64');
    const saltField = salt === undefined ? {} : { salt: { value: salt, ...(position === undefined ? {} : { position }) } };
    const digestBytes: Record<string, number> = { md4: 16, md5: 16, sha1: 20, sha256: 32, sha512: 64 };
    switch (algorithm) {
      case 'hmac':
        return { algorithm, hash: { value: encoded(32), encoding, digest: 'sha256', key: { value: 'a shared key' } }, ...saltField };
      case 'ldap':
        return { algorithm, hash: { value: `{SSHA}${Buffer.from(bytes.subarray(0, 24)).toString('base64')}` } };
      case 'argon2':
        return { algorithm, hash: { value: `$argon2id$v=19$m=1024,t=2,p=1$${unpaddedBase64(bytes.subarray(0, 16))}$${unpaddedBase64(bytes.subarray(16, 48))}` } };
      case 'pbkdf2':
        return { algorithm, hash: { value: `$pbkdf2-sha256$i=1000,l=32$${unpaddedBase64(bytes.subarray(0, 16))}$${unpaddedBase64(bytes.subarray(16, 48))}` } };
      case 'scrypt':
        return { algorithm, hash: { value: encoded(32), encoding }, salt: { value: salt ?? 'salt' }, keylen: 32, cost: 1024 };
      case 'bcrypt':
        return { algorithm, hash: { value: bcrypt }, ...saltField };
      default:
        return { algorithm, hash: { value: encoded(digestBytes[algorithm] ?? 16), encoding }, ...saltField };
    }
  });

/** Random hash objects: mostly wrong in some way (algorithm, encoding, fields, sizes, types). */
const randomCustomHash = fc.oneof(
  fc.record(
    {
      algorithm: fc.constantFrom('md5', 'sha256', 'argon2', 'rot13', 'hmac', 'scrypt', 'ldap', 'pbkdf2'),
      hash: fc.oneof(
        fc.record({ value: fc.string(), encoding: fc.constantFrom('hex', 'base64', 'utf8', 'latin1'), digest: fc.constantFrom('sha256', 'sha3') }, { requiredKeys: ['value'] }),
        fc.jsonValue({ maxDepth: 1 }),
      ),
      salt: fc.oneof(fc.record({ value: fc.string(), position: fc.constantFrom('prefix', 'middle') }), fc.jsonValue({ maxDepth: 1 })),
      keylen: fc.integer({ min: -2, max: 64 }),
      cost: fc.integer({ min: -1, max: 1 << 21 }),
      pepper: fc.string(),
    },
    { requiredKeys: [] },
  ),
  fc.jsonValue({ maxDepth: 2 }),
  fc.tuple(validCustomHash, fc.constantFrom('hash', 'salt', 'algorithm', 'keylen'), fc.jsonValue({ maxDepth: 1 })).map(([hash, key, value]) => ({ ...hash, [key]: value })),
);

/** A row the README allows: an email, and any of the other fields with values of their type. */
const validRow: fc.Arbitrary<Row> = fc
  .tuple(
    fc.record(
      {
        email: validEmail,
        email_verified: fc.boolean(),
        user_id: validUserId,
        username: validUsername,
        given_name: validText(150),
        family_name: validText(150),
        name: validText(200),
        nickname: validText(300),
        picture: validPicture,
        blocked: fc.boolean(),
        app_metadata: metadata,
        user_metadata: metadata,
      },
      { requiredKeys: ['email'] },
    ),
    // withCrossShrink: a failing row sheds its hash while shrinking, rather than shrinking its bytes.
    fc.oneof(
      { withCrossShrink: true },
      fc.constant({}),
      bcryptHash.map((hash) => ({ password_hash: hash })),
      validCustomHash.map((hash) => ({ custom_password_hash: hash })),
    ),
  )
  .map(([fields, hash]) => ({ ...fields, ...hash }));

const wrongType = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 2 }), fc.string({ maxLength: 6 }), fc.constant({ a: 1 }));

/** One change that (usually) makes a valid row invalid; "none" keeps it valid. */
const change = fc.oneof(
  { withCrossShrink: true },
  { weight: 8, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('extra field' as const), key: fc.constantFrom('favourite_colour', 'connection', 'password', 'Email', 'identities', 'user_id '), value: fc.jsonValue({ maxDepth: 1 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('wrong type' as const), key: fc.constantFrom(...IMPORT_FIELDS), value: wrongType }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('bad email' as const), value: badEmail }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'no email' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('random custom hash' as const), value: randomCustomHash }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('bad bcrypt hash' as const), value: badBcryptHash }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('both hashes' as const), bcrypt: bcryptHash, custom: validCustomHash }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('random username' as const), value: randomUsername }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('random user_id' as const), value: randomUserId }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('bad field' as const),
      key: fc.constantFrom('given_name', 'family_name', 'name', 'nickname', 'picture', 'app_metadata', 'user_metadata'),
      text: badText,
      picture: badPicture,
      metadata: badMetadata,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('not an object' as const), value: fc.constantFrom<unknown>(null, 42, 'ada@example.com', [], true, [{ email: 'ada@example.com' }]) }) },
);

type Change = typeof change extends fc.Arbitrary<infer Kind> ? Kind : never;

function applyChange(row: Row, changed: Change): unknown {
  switch (changed.kind) {
    case 'none':
      return row;
    case 'extra field':
    case 'wrong type':
      return { ...row, [changed.key]: changed.value };
    case 'bad email':
      return { ...row, email: changed.value };
    case 'no email': {
      const { email: _email, ...rest } = row;
      return rest;
    }
    case 'random custom hash': {
      const { password_hash: _bcrypt, ...rest } = row;
      return { ...rest, custom_password_hash: changed.value };
    }
    case 'bad bcrypt hash': {
      const { custom_password_hash: _custom, ...rest } = row;
      return { ...rest, password_hash: changed.value };
    }
    case 'both hashes':
      return { ...row, password_hash: changed.bcrypt, custom_password_hash: changed.custom };
    case 'random username':
      return { ...row, username: changed.value };
    case 'random user_id':
      return { ...row, user_id: changed.value };
    case 'bad field': {
      const key = changed.key;
      const value = key === 'picture' ? changed.picture : key.endsWith('metadata') ? changed.metadata : changed.text;
      return { ...row, [key]: value };
    }
    case 'not an object':
      return changed.value;
  }
}

/** A user file: rows, then some of them again (exact duplicates). */
function userFile(row: fc.Arbitrary<unknown>): fc.Arbitrary<unknown[]> {
  return fc
    .record({ rows: fc.array(row, { minLength: 1, maxLength: 10 }), repeats: fc.array(fc.nat(), { maxLength: 3 }) })
    .map(({ rows, repeats }) => [...rows, ...repeats.map((index) => rows[index % rows.length])]);
}

const anyRow = fc.tuple(validRow, change).map(([row, changed]) => applyChange(row, changed));

/** One or two imports into the same server: the second meets the first one's users. */
const imports = fc.array(userFile(anyRow), { minLength: 1, maxLength: 2 });

// ---------------------------------------------------------------------------------------------
// The checks

/** What the README says the report holds for a row: the row, without its password hashes. */
function reportable(row: unknown): unknown {
  if (!isRow(row)) return row;
  const { password_hash: _bcrypt, custom_password_hash: _custom, ...rest } = row;
  return rest;
}

/** Stands for a given value that cannot be stored as given; equal to nothing stored. */
const NOT_STORABLE = Symbol('a value of the wrong type');

function show(value: unknown): string {
  return typeof value === 'symbol' ? String(value.description) : JSON.stringify(value);
}

/**
 * How a stored user differs from the row, field by field, as the README describes the import:
 * emails trimmed and lowercased, usernames stored lowercase (in NFC), names trimmed, `auth0|`
 * before a given user_id, metadata as given, a credential holding the row's hash (design: an
 * `imported` credential keeps the hash as given, checked in its own algorithm at login), and a
 * password reset required when there is none. Empty when the user is exactly the row.
 */
function differences(row: unknown, { user, credential }: StoredUser): string[] {
  if (!isRow(row)) return ['the row is not an object'];
  const problems: string[] = [];
  const compare = (field: string, stored: unknown, given: unknown): void => {
    if (!isDeepStrictEqual(stored, given)) problems.push(`${field}: stored ${show(stored)}, from the row ${show(given)}`);
  };
  const unknown = Object.keys(row).filter((key) => !IMPORT_FIELDS.has(key));
  if (unknown.length > 0) problems.push(`fields that have nowhere to go: ${unknown.join(', ')}`);

  const text = (value: unknown): unknown => (value === undefined ? null : typeof value === 'string' ? value.trim() : NOT_STORABLE);
  const flag = (value: unknown): unknown => (value === undefined ? 0 : typeof value === 'boolean' ? Number(value) : NOT_STORABLE);
  const object = (value: unknown): unknown => (value === undefined ? {} : isRow(value) ? value : NOT_STORABLE);

  compare('email', user.email, typeof row.email === 'string' ? row.email.trim().toLowerCase() : NOT_STORABLE);
  compare('email_verified', user.email_verified, flag(row.email_verified));
  if (row.user_id === undefined) {
    if (!/^auth0\|[0-9a-f]{24}$/.test(user.id)) problems.push(`user_id: stored ${user.id} for a row without one`);
  } else {
    compare('user_id', user.id, typeof row.user_id === 'string' ? `auth0|${row.user_id}` : NOT_STORABLE);
  }
  compare(
    'username',
    user.username,
    row.username === undefined ? null : typeof row.username === 'string' ? row.username.trim().normalize('NFC').toLowerCase() : NOT_STORABLE,
  );
  for (const field of ['given_name', 'family_name', 'name', 'nickname'] as const) compare(field, user[field], text(row[field]));
  compare('picture', user.picture, row.picture === undefined ? null : typeof row.picture === 'string' ? row.picture : NOT_STORABLE);
  compare('blocked', user.blocked, flag(row.blocked));
  compare('app_metadata', JSON.parse(user.app_metadata), object(row.app_metadata));
  compare('user_metadata', JSON.parse(user.user_metadata), object(row.user_metadata));

  const { password_hash: bcrypt, custom_password_hash: custom } = row;
  const hash =
    bcrypt !== undefined && custom !== undefined
      ? NOT_STORABLE // one account has one password
      : bcrypt !== undefined
        ? typeof bcrypt === 'string'
          ? { kind: 'bcrypt', value: bcrypt }
          : NOT_STORABLE
        : custom !== undefined
          ? isRow(custom)
            ? { kind: 'custom', format: custom }
            : NOT_STORABLE
          : undefined;
  compare(
    'password credential',
    credential && { hash_format: credential.hash_format, hash: JSON.parse(credential.password_hash) as unknown },
    hash === undefined || hash === NOT_STORABLE ? hash : { hash_format: 'imported', hash },
  );
  compare('password_reset_required', user.password_reset_required, hash === undefined ? 1 : 0);
  compare('origin', user.origin, 'import');
  compare('login history', [user.logins_count, user.last_login, user.last_ip], [0, null, null]);
  return problems;
}

/** Every string in a value, keys included. */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (isRow(value)) return Object.entries(value).flatMap(([key, inner]) => [key, ...stringsIn(inner)]);
  return [];
}

/** The string values inside a hash field (keys are field names, not secrets). */
function hashValues(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(hashValues);
  if (isRow(value)) return Object.values(value).flatMap(hashValues);
  return [];
}

/**
 * Pairs each row with exactly one outcome: its report entry (the report is in file order) or one
 * of the job's users holding exactly its fields. Returns undefined when every row, every user and
 * every report entry is paired; otherwise what each row looks like, for the failure message.
 */
function unpaired(rows: readonly unknown[], report: readonly ReportEntry[], users: readonly StoredUser[]): string | undefined {
  const imported = rows.map((row) => users.flatMap((user, index) => (differences(row, user).length === 0 ? [index] : [])));
  const taken = new Set<number>();
  const pair = (rowIndex: number, entryIndex: number): boolean => {
    if (rowIndex === rows.length) return entryIndex === report.length && taken.size === users.length;
    const row = rows[rowIndex];
    if (entryIndex < report.length && isDeepStrictEqual(report[entryIndex]?.user, reportable(row)) && pair(rowIndex + 1, entryIndex + 1)) return true;
    for (const userIndex of imported[rowIndex] ?? []) {
      if (taken.has(userIndex)) continue;
      taken.add(userIndex);
      if (pair(rowIndex + 1, entryIndex)) return true;
      taken.delete(userIndex);
    }
    return false;
  };
  if (pair(0, 0)) return undefined;

  return rows
    .map((row, index) => {
      const reported = report.some((entry) => isDeepStrictEqual(entry.user, reportable(row)));
      const email = isRow(row) && typeof row.email === 'string' ? row.email.trim().toLowerCase() : undefined;
      const sameEmail = users.filter(({ user }) => user.email === email);
      const outcome =
        (imported[index] ?? []).length > 0
          ? 'imported exactly'
          : sameEmail.length > 0
            ? `a user with its email differs: ${sameEmail.map((user) => differences(row, user).join('; ')).join(' | ')}`
            : 'no user';
      return `row ${index} ${JSON.stringify(row)}: ${reported ? 'reported' : 'not reported'}; ${outcome}`;
    })
    .join('\n');
}

/** Uploads the file, runs the job to its end and checks every property above on its outcome. */
async function importAndCheck(server: TestServer, rows: readonly unknown[]): Promise<void> {
  const file = JSON.stringify(rows);
  // What the server reads is the JSON, not the generated values (JSON turns -0 into 0, say).
  const sent = JSON.parse(file) as unknown[];
  const usersBefore = await rowCount(server, 'users');

  const form = new FormData();
  form.set('users', new Blob([file], { type: 'application/json' }), 'users.json');
  form.set('connection_id', await server.services.connection.id());
  const created = await server.request('/api/v2/jobs/users-imports', { method: 'POST', headers: AUTH, body: form });
  assert.equal(created.status, 202, await created.clone().text());
  const { id } = (await created.json()) as { id: string };
  await server.services.jobs.runUntilIdle();

  const job = (await (await server.request(`/api/v2/jobs/${id}`, { headers: AUTH })).json()) as JobBody;
  assert.equal(job.status, 'completed', JSON.stringify(job));
  const { inserted, updated, failed, total } = job.summary;
  assert.equal(inserted + failed, sent.length, `summary ${JSON.stringify(job.summary)} for ${sent.length} rows`);
  assert.equal(updated, 0, 'upsert is off: nothing is updated');
  assert.equal(total, sent.length);

  const errorsResponse = await server.request(`/api/v2/jobs/${id}/errors`, { headers: AUTH });
  assert.equal(errorsResponse.status, 200);
  const report = (await errorsResponse.json()) as ReportEntry[];
  assert.equal(report.length, failed, 'one report entry per failed row');
  for (const entry of report) {
    assert.ok(entry.errors.length > 0, 'a reported row says what is wrong');
    for (const error of entry.errors) {
      assert.match(String(error.code), /^[A-Z_]+$/);
      assert.equal(typeof error.message, 'string');
      assert.equal(typeof error.path, 'string');
    }
    if (isRow(entry.user)) {
      assert.equal('password_hash' in entry.user, false, 'no password_hash in the report');
      assert.equal('custom_password_hash' in entry.user, false, 'no custom_password_hash in the report');
    }
  }
  // Nor any value of a hash anywhere in the report (messages and paths included), unless the same
  // text is also somewhere else in the file, where the report may legitimately quote it.
  const elsewhere = sent.flatMap((row) => stringsIn(reportable(row)));
  const secrets = sent
    .flatMap((row) => (isRow(row) ? [...hashValues(row.password_hash), ...hashValues(row.custom_password_hash)] : []))
    .filter((value) => value.length >= 8 && !elsewhere.some((text) => text.includes(value)));
  const reported = stringsIn(report);
  for (const secret of secrets) {
    assert.ok(!reported.some((text) => text.includes(secret)), `hash material ${JSON.stringify(secret)} is in the report`);
  }

  const users = await server.db.selectFrom('users').selectAll().where('import_job_id', '=', id).execute();
  const credentials =
    users.length === 0 ? [] : await server.db.selectFrom('credentials').selectAll().where('user_id', 'in', users.map((user) => user.id)).execute();
  const stored = users.map((user) => ({ user, credential: credentials.find((credential) => credential.user_id === user.id) }));
  assert.equal(users.length, inserted, 'one new user per inserted row');
  assert.equal(await rowCount(server, 'users'), usersBefore + inserted, 'no user the job does not count');

  const problem = unpaired(sent, report, stored);
  assert.equal(problem, undefined, `rows not either fully imported or reported:\n${problem ?? ''}`);

  // No credential is left without its user, whatever happened.
  const orphans = await server.db
    .selectFrom('credentials')
    .leftJoin('users', 'users.id', 'credentials.user_id')
    .where('users.id', 'is', null)
    .select('credentials.user_id')
    .execute();
  assert.deepEqual(orphans, [], 'credentials without a user');
}

async function withServer(run: (server: TestServer) => Promise<void>): Promise<void> {
  const server = await startTestServer({ env: { ADMIN_TOKEN } });
  try {
    await run(server);
  } finally {
    await server.close();
  }
}

const property = (files: fc.Arbitrary<unknown[][]>) =>
  fc.asyncProperty(files, (jobs) =>
    withServer(async (server) => {
      for (const rows of jobs) await importAndCheck(server, rows);
    }),
  );

// ---------------------------------------------------------------------------------------------

describe('import properties', () => {
  it('every row is either fully imported or reported, never both, never neither, never half', async () => {
    await fc.assert(property(imports), { seed: SEED, numRuns: 80 });
  });

  it('strings that are not well-formed UTF-16 (lone surrogates) are imported exactly or reported', async () => {
    const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit));
    const withSurrogate = fc.tuple(fc.string({ unit: 'grapheme-ascii', maxLength: 4 }), loneSurrogate, fc.string({ unit: 'grapheme-ascii', maxLength: 4 })).map(
      ([before, surrogate, after]) => `${before}${surrogate}${after}`,
    );
    const row = fc
      .tuple(validRow, fc.constantFrom('given_name', 'family_name', 'name', 'nickname', 'user_id', 'picture', 'app_metadata', 'user_metadata'), withSurrogate)
      .map(([valid, field, text]): Row => ({
        ...valid,
        [field]: field.endsWith('metadata') ? { [text]: text } : field === 'picture' ? `https://example.com/${text}` : text,
      }));
    await fc.assert(property(fc.array(userFile(row), { minLength: 1, maxLength: 1 })), { seed: SEED, numRuns: 40 });
  });

  it('metadata keys named like Object.prototype members (__proto__, constructor) are imported exactly or reported', async () => {
    const row = fc
      .tuple(validRow, fc.constantFrom('app_metadata', 'user_metadata'), fc.constantFrom(...PROTOTYPE_NAMES), fc.jsonValue({ maxDepth: 1 }))
      .map(([valid, field, key, value]): Row => {
        // JSON.parse makes "__proto__" an own key, exactly as a file on disk would carry it.
        const extra = JSON.parse(`{${JSON.stringify(key)}: ${JSON.stringify(value)}}`) as Row;
        return { ...valid, [field]: { ...(isRow(valid[field]) ? valid[field] : {}), ...extra } };
      });
    await fc.assert(property(fc.array(userFile(row), { minLength: 1, maxLength: 1 })), { seed: SEED, numRuns: 40 });
  });
});
