/**
 * Bulk import and export through the Management API's jobs: a file holding every hash algorithm
 * (hashes made here by real libraries), the users logging in with their old passwords, the error
 * report, upserts, export in both formats, a lossless round trip and the upload's refusals.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import { after, describe, it } from 'node:test';

import bcryptjs from 'bcryptjs';
import { argon2i, argon2id, bcrypt, createSHA512, md5, pbkdf2, scrypt, sha1, sha256, sha512 } from 'hash-wasm';

import { findCredential } from '../../src/server/store/credentials-repository.js';
import { findUserByEmail } from '../../src/server/store/users-repository.js';
import { errorOf, removeTestFolders, startTestServer, STRONG_PASSWORD, type TestServer, type TestServerOptions } from './helpers.js';

after(removeTestFolders);

const require = createRequire(import.meta.url);
/** js-md4 is plain JavaScript without types; this is the part the tests use. */
const jsMd4 = require('js-md4') as { hex(message: string): string };

const ADMIN_TOKEN = 'a-management-token-for-import-tests-42';
const AUTH = { authorization: `Bearer ${ADMIN_TOKEN}` };

type Row = Record<string, unknown>;

async function managed(options: TestServerOptions = {}): Promise<TestServer> {
  return startTestServer({ ...options, env: { ADMIN_TOKEN, ...options.env } });
}

async function json<T = Row>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

/** Uploads a user file as Auth0's clients do: multipart with the file in `users`. */
function upload(server: TestServer, file: string, fields: Record<string, string> = {}): Promise<Response> {
  const form = new FormData();
  form.set('users', new Blob([file], { type: 'application/json' }), 'users.json');
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  return server.request('/api/v2/jobs/users-imports', { method: 'POST', headers: AUTH, body: form });
}

/** Uploads, runs the job to its end as the server's runner would, and returns the finished job. */
async function importUsers(server: TestServer, file: string | Row[], fields: Record<string, string> = {}): Promise<Row> {
  const connectionId = await server.services.connection.id();
  const body = typeof file === 'string' ? file : JSON.stringify(file);
  const created = await upload(server, body, { connection_id: connectionId, ...fields });
  assert.equal(created.status, 202, await created.clone().text());
  const job = await json(created);
  assert.equal(job.status, 'pending');
  assert.equal(job.type, 'users_import');
  await server.services.jobs.runUntilIdle();
  return json(await server.request(`/api/v2/jobs/${String(job.id)}`, { headers: AUTH }));
}

let nextIp = 1;
/** Logs in from a fresh address each time, so the per-IP login limit stays out of the way. */
function logIn(server: TestServer, identifier: string, password: string): Promise<Response> {
  nextIp += 1;
  return server.post('/api/login', { identifier, password }, { ip: `198.51.100.${nextIp % 250}` });
}

const b64 = (hex: string): string => Buffer.from(hex, 'hex').toString('base64');
const unpadded = (base64: string): string => base64.replace(/=+$/, '');

interface HashedUser {
  email: string;
  password: string;
  row: Row;
}

/** One user per algorithm and option Auth0 documents, each hash made with the password shown. */
async function usersWithEveryAlgorithm(): Promise<HashedUser[]> {
  const password = (name: string): string => `${name}: Old-Password ✓`;
  const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');
  const user = (name: string, hash: Row): HashedUser => ({
    email: `${name}@import.example`,
    password: password(name),
    row: { email: `${name}@import.example`, email_verified: true, ...hash },
  });
  const salt = Buffer.from('a1b2c3d4e5f60718', 'hex');
  const ldapSalt = Buffer.from('5a17', 'hex');
  const scryptSalt = Buffer.from('0123456789abcdef', 'hex');
  return [
    user('bcrypt-classic', { password_hash: bcryptjs.hashSync(password('bcrypt-classic'), 4) }),
    user('argon2id', {
      custom_password_hash: {
        algorithm: 'argon2',
        hash: { value: await argon2id({ password: password('argon2id'), salt, iterations: 2, parallelism: 1, memorySize: 1024, hashLength: 32, outputType: 'encoded' }) },
      },
    }),
    user('argon2i', {
      custom_password_hash: {
        algorithm: 'argon2',
        hash: { value: await argon2i({ password: password('argon2i'), salt, iterations: 3, parallelism: 2, memorySize: 2048, hashLength: 24, outputType: 'encoded' }) },
      },
    }),
    user('bcrypt-custom', {
      custom_password_hash: {
        algorithm: 'bcrypt',
        hash: { value: await bcrypt({ password: password('bcrypt-custom'), salt: Buffer.concat([salt, salt]), costFactor: 5, outputType: 'encoded' }) },
      },
    }),
    user('hmac', {
      custom_password_hash: {
        algorithm: 'hmac',
        hash: {
          value: createHmac('sha256', 'a shared key').update(password('hmac')).digest('hex'),
          encoding: 'hex',
          digest: 'sha256',
          key: { value: 'a shared key' },
        },
      },
    }),
    user('ldap', {
      custom_password_hash: {
        algorithm: 'ldap',
        hash: { value: `{SSHA}${b64((await sha1(Buffer.concat([utf8(password('ldap')), ldapSalt]))) + ldapSalt.toString('hex'))}` },
      },
    }),
    user('md4', { custom_password_hash: { algorithm: 'md4', hash: { value: jsMd4.hex(password('md4')), encoding: 'hex' } } }),
    user('md5', {
      custom_password_hash: { algorithm: 'md5', hash: { value: await md5(`salt-before${password('md5')}`), encoding: 'hex' }, salt: { value: 'salt-before' } },
    }),
    user('sha1', { custom_password_hash: { algorithm: 'sha1', hash: { value: b64(await sha1(password('sha1'))), encoding: 'base64' } } }),
    user('sha256', {
      custom_password_hash: {
        algorithm: 'sha256',
        hash: { value: b64(await sha256(`${password('sha256')}pepper`)), encoding: 'base64' },
        salt: { value: 'pepper', position: 'suffix' },
      },
    }),
    user('sha512', {
      custom_password_hash: {
        algorithm: 'sha512',
        hash: { value: await sha512(Buffer.concat([salt, utf8(password('sha512'))])), encoding: 'hex' },
        salt: { value: salt.toString('hex'), encoding: 'hex', position: 'prefix' },
      },
    }),
    user('pbkdf2', {
      custom_password_hash: {
        algorithm: 'pbkdf2',
        hash: {
          value: `$pbkdf2-sha512$i=1000,l=64$${unpadded(salt.toString('base64'))}$${unpadded(
            b64(await pbkdf2({ password: password('pbkdf2'), salt, iterations: 1000, hashLength: 64, hashFunction: createSHA512(), outputType: 'hex' })),
          )}`,
        },
      },
    }),
    user('scrypt', {
      custom_password_hash: {
        algorithm: 'scrypt',
        hash: {
          value: await scrypt({ password: password('scrypt'), salt: scryptSalt, costFactor: 1024, blockSize: 8, parallelism: 1, hashLength: 32, outputType: 'hex' }),
          encoding: 'hex',
        },
        salt: { value: scryptSalt.toString('hex'), encoding: 'hex' },
        keylen: 32,
        cost: 1024,
        blockSize: 8,
        parallelization: 1,
      },
    }),
  ];
}

describe('bulk import', () => {
  it('imports every hash algorithm; each user logs in with the old password, which is then re-hashed with argon2id', async () => {
    const server = await managed();
    const users = await usersWithEveryAlgorithm();
    const job = await importUsers(server, users.map((user) => user.row));
    assert.equal(job.status, 'completed');
    assert.deepEqual(job.summary, { inserted: users.length, updated: 0, failed: 0, total: users.length });
    assert.deepEqual(await json(await server.request(`/api/v2/jobs/${String(job.id)}/errors`, { headers: AUTH })), []);

    for (const user of users) {
      const stored = await findUserByEmail(server.db, user.email);
      assert.ok(stored, user.email);
      assert.notEqual((await findCredential(server.db, stored.id))?.hash_format, 'argon2id', `${user.email} keeps its imported hash`);

      const wrong = await logIn(server, user.email, `${user.password}!`);
      assert.equal(wrong.status, 401, `${user.email}: a wrong password is refused`);
      const right = await logIn(server, user.email, user.password);
      assert.equal(right.status, 200, `${user.email}: ${await right.clone().text()}`);

      const credential = await findCredential(server.db, stored.id);
      assert.equal(credential?.hash_format, 'argon2id', `${user.email} is re-hashed`);
      assert.match(credential.password_hash, /^\$argon2id\$/);
      assert.equal((await logIn(server, user.email, user.password)).status, 200, `${user.email} logs in again on the new hash`);
    }
    await server.close();
  });

  it('reports bad rows in Auth0 shape, without their hashes, while the good rows import', async () => {
    const server = await managed();
    assert.equal((await server.post('/api/signup', { email: 'already@here.example', password: STRONG_PASSWORD })).status, 201);
    const job = await importUsers(server, [
      { email: 'good@import.example', name: 'Good Row' },
      { email_verified: true },
      { email: 'not-an-email', password_hash: bcryptjs.hashSync('whatever', 4) },
      { email: 'extra@import.example', favourite_colour: 'green' },
      { email: 'twice@import.example' },
      { email: 'twice@import.example' },
      { email: 'already@here.example' },
      { email: 'short@import.example', name: '' },
      { email: 'weird-hash@import.example', custom_password_hash: { algorithm: 'rot13', hash: { value: 'cnffjbeq' } } },
      { email: 'taken-name@import.example', username: 'ada' },
      { email: 'also-ada@import.example', username: 'ada' },
    ]);
    assert.equal(job.status, 'completed');
    assert.deepEqual(job.summary, { inserted: 3, updated: 0, failed: 8, total: 11 });

    const report = await json<{ user: Row; errors: { code: string; message: string; path: string }[] }[]>(
      await server.request(`/api/v2/jobs/${String(job.id)}/errors`, { headers: AUTH }),
    );
    const codes = report.map((entry) => [entry.user.email ?? null, entry.errors.map((error) => `${error.code}@${error.path}`)]);
    assert.deepEqual(codes, [
      [null, ['OBJECT_MISSING_REQUIRED_PROPERTY@email']],
      ['not-an-email', ['FORMAT@email']],
      ['extra@import.example', ['OBJECT_ADDITIONAL_PROPERTIES@favourite_colour']],
      ['twice@import.example', ['CONFLICT_EMAIL@email']],
      ['already@here.example', ['DUPLICATED_USER@email']],
      ['short@import.example', ['MIN_LENGTH@name']],
      ['weird-hash@import.example', ['ENUM_MISMATCH@custom_password_hash.algorithm']],
      ['also-ada@import.example', ['CONFLICT_USERNAME@username']],
    ]);
    for (const entry of report) {
      for (const error of entry.errors) assert.ok(error.message.length > 0);
      assert.equal('password_hash' in entry.user, false, 'no hash in the report');
      assert.equal('custom_password_hash' in entry.user, false, 'no hash in the report');
    }
    assert.ok(await findUserByEmail(server.db, 'good@import.example'));
    assert.equal(await findUserByEmail(server.db, 'not-an-email'), undefined);
    await server.close();
  });
});

describe('bulk import: accounts and upserts', () => {
  it('makes users imported without a hash choose a password: login answers 403 password_reset_required', async () => {
    const server = await managed();
    const job = await importUsers(server, [{ email: 'no-hash@import.example', name: 'No Hash' }]);
    assert.deepEqual(job.summary, { inserted: 1, updated: 0, failed: 0, total: 1 });
    const response = await logIn(server, 'no-hash@import.example', 'any password at all');
    assert.equal(response.status, 403);
    assert.equal((await errorOf(response)).code, 'password_reset_required');
    const reset = await server.post('/api/password-reset', { email: 'no-hash@import.example' });
    assert.equal(reset.status, 202);
    await server.services.passwordReset.idle();
    const [mail] = await server.db.selectFrom('outbox').selectAll().execute();
    assert.equal(mail?.recipient, 'no-hash@import.example', 'the reset mail goes out');
    await server.close();
  });

  it('upsert matches on email and overwrites only the fields the row gives', async () => {
    const server = await managed();
    const first = await importUsers(server, [
      {
        email: 'grace@import.example',
        user_id: 'legacy-7',
        name: 'Grace Hopper',
        nickname: 'amazing',
        app_metadata: { plan: 'pro' },
        user_metadata: { theme: 'dark' },
        password_hash: bcryptjs.hashSync('Old-Password-1', 4),
      },
    ]);
    assert.deepEqual(first.summary, { inserted: 1, updated: 0, failed: 0, total: 1 });

    const without = await importUsers(server, [{ email: 'grace@import.example', name: 'G. Hopper' }]);
    assert.deepEqual(without.summary, { inserted: 0, updated: 0, failed: 1, total: 1 }, 'without upsert a known email is a DUPLICATED_USER');

    const upserted = await importUsers(
      server,
      [{ email: 'grace@import.example', name: 'Rear Admiral Hopper', blocked: true, app_metadata: { plan: 'enterprise' } }, { email: 'new@import.example' }],
      { upsert: 'true' },
    );
    assert.deepEqual(upserted.summary, { inserted: 1, updated: 1, failed: 0, total: 2 });

    const user = await json(await server.request('/api/v2/users/auth0%7Clegacy-7', { headers: AUTH }));
    assert.equal(user.name, 'Rear Admiral Hopper');
    assert.equal(user.nickname, 'amazing', 'a field the row leaves out stays');
    assert.equal(user.blocked, true);
    assert.deepEqual(user.app_metadata, { plan: 'enterprise' });
    assert.deepEqual(user.user_metadata, { theme: 'dark' });
    const login = await logIn(server, 'grace@import.example', 'Old-Password-1');
    assert.equal(login.status, 403, 'the old password still verifies, and the block now applies');
    assert.equal((await errorOf(login)).code, 'user_blocked');
    await server.close();
  });
});

describe('bulk import: what the upload refuses', () => {
  it('answers 415, 400 and 413 with typed errors, and marks an unreadable file failed', async () => {
    const server = await managed({ config: { imports: { maxFileBytes: 2048 } } });
    const connectionId = await server.services.connection.id();

    const notMultipart = await server.request('/api/v2/jobs/users-imports', {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: '[]',
    });
    assert.equal(notMultipart.status, 415);
    assert.equal((await errorOf(notMultipart)).code, 'unsupported_media_type');

    const noFile = new FormData();
    noFile.set('connection_id', connectionId);
    const missing = await server.request('/api/v2/jobs/users-imports', { method: 'POST', headers: AUTH, body: noFile });
    assert.equal(missing.status, 400);
    assert.match((await errorOf(missing)).message, /users/);

    const noConnection = await upload(server, '[]');
    assert.equal(noConnection.status, 400);
    assert.match((await errorOf(noConnection)).message, /connection_id/);

    const otherConnection = await upload(server, '[]', { connection_id: 'con_0000000000000000' });
    assert.equal(otherConnection.status, 404);

    const tooLarge = await upload(server, JSON.stringify([{ email: 'a@b.example', name: 'x'.repeat(3000) }]), { connection_id: connectionId });
    assert.equal(tooLarge.status, 413);
    assert.equal((await errorOf(tooLarge)).code, 'payload_too_large');

    const unauthenticated = await server.request('/api/v2/jobs/users-imports', { method: 'POST', body: new FormData() });
    assert.equal(unauthenticated.status, 401);

    assert.equal((await server.db.selectFrom('jobs').selectAll().execute()).length, 0, 'no job for a refused upload');

    const broken = await importUsers(server, '[{"email": "first@import.example"}, {"email": ');
    assert.equal(broken.status, 'failed');
    assert.match(String(broken.failure), /not a user file/);
    await server.close();
  });
});

/** Where a download link points on this server (its origin is the test app's). */
function pathOf(location: unknown): string {
  const url = new URL(String(location));
  return `${url.pathname}${url.search}`;
}

async function exportUsers(server: TestServer, options: Row): Promise<{ job: Row; body: string; response: Response }> {
  const created = await server.post('/api/v2/jobs/users-exports', options, { headers: AUTH });
  assert.equal(created.status, 202, await created.clone().text());
  const pending = await json(created);
  assert.equal(pending.type, 'users_export');
  await server.services.jobs.runUntilIdle();
  const job = await json(await server.request(`/api/v2/jobs/${String(pending.id)}`, { headers: AUTH }));
  assert.equal(job.status, 'completed');
  const response = await server.request(pathOf(job.location));
  assert.equal(response.status, 200);
  return { job, body: await response.clone().text(), response };
}

describe('export', () => {
  it('exports NDJSON with hashes that a fresh server imports losslessly: same profiles, same passwords', async () => {
    const source = await managed();
    const users = await usersWithEveryAlgorithm();
    await importUsers(source, [
      ...users.map((user) => user.row),
      {
        email: 'profile@import.example',
        user_id: 'kept-id',
        username: 'profiled',
        given_name: 'Pro',
        family_name: 'File',
        name: 'Pro File',
        nickname: 'pf',
        picture: 'https://example.com/pf.png',
        blocked: false,
        app_metadata: { roles: ['admin'] },
        user_metadata: { language: 'de' },
      },
    ]);
    assert.equal((await source.post('/api/signup', { email: 'native@import.example', password: STRONG_PASSWORD })).status, 201);
    // One user logs in first, so the export holds a hash this server made as well as imported ones.
    assert.equal((await logIn(source, users[7]?.email ?? '', users[7]?.password ?? '')).status, 200);

    const { job, body, response } = await exportUsers(source, { format: 'json', include_password_hashes: true });
    assert.match(response.headers.get('content-type') ?? '', /application\/x-ndjson/);
    const lines = body.trimEnd().split('\n');
    assert.equal(lines.length, users.length + 2);
    assert.deepEqual(job.summary, { total: users.length + 2 });

    const target = await managed();
    const reimported = await importUsers(target, body);
    assert.deepEqual(reimported.summary, { inserted: users.length + 2, updated: 0, failed: 0, total: users.length + 2 });

    const profiles = async (server: TestServer): Promise<Row[]> => {
      const list = await json<{ users: Row[] }>(await server.request('/api/v2/users?per_page=100&sort=email:1&include_totals=true', { headers: AUTH }));
      return list.users.map(
        // What logins and the import itself set differs by nature; everything else must survive.
        ({ created_at: _created, updated_at: _updated, last_login: _last, last_ip: _ip, logins_count: _count, ...rest }) => rest,
      );
    };
    const before = await profiles(source);
    const afterImport = await profiles(target);
    assert.deepEqual(afterImport, before);
    assert.ok(before.some((user) => user.user_id === 'auth0|kept-id'));

    for (const user of [...users, { email: 'native@import.example', password: STRONG_PASSWORD }]) {
      assert.equal((await logIn(target, user.email, user.password)).status, 200, `${user.email} logs in after the round trip`);
    }
    await Promise.all([source.close(), target.close()]);
  });

  it('leaves hashes out unless asked, and the array form of an export imports as well', async () => {
    const server = await managed();
    await importUsers(server, [{ email: 'a@import.example', password_hash: bcryptjs.hashSync('Old-Password-1', 4) }]);
    const { body } = await exportUsers(server, { format: 'json' });
    const rows = body.trimEnd().split('\n').map((line) => JSON.parse(line) as Row);
    assert.deepEqual(rows, [{ email: 'a@import.example', email_verified: false, user_id: rows[0]?.user_id, blocked: false }]);

    const target = await managed();
    const job = await importUsers(target, JSON.stringify(rows));
    assert.deepEqual(job.summary, { inserted: 1, updated: 0, failed: 0, total: 1 });
    await Promise.all([server.close(), target.close()]);
  });

  it('exports CSV of the chosen fields with spreadsheet formulas neutralised', async () => {
    const server = await managed();
    await importUsers(server, [
      { email: 'csv@import.example', name: '=HYPERLINK("http://evil.example","click")', app_metadata: { plan: 'pro, yearly' } },
      { email: 'plain@import.example', name: '+1 555 0100', nickname: '@home' },
    ]);
    const { body, response } = await exportUsers(server, {
      format: 'csv',
      fields: [{ name: 'email' }, { name: 'name', export_as: 'Full name' }, { name: 'nickname' }, { name: 'app_metadata.plan', export_as: 'Plan' }],
    });
    assert.match(response.headers.get('content-type') ?? '', /text\/csv/);
    const [header, ...rows] = body.split('\r\n');
    assert.equal(header, 'email,Full name,nickname,Plan');
    // Rows come in user-id order, which is random here.
    assert.deepEqual(rows.sort(), [
      '',
      `csv@import.example,"'=HYPERLINK(""http://evil.example"",""click"")",,"pro, yearly"`,
      "plain@import.example,'+1 555 0100,'@home,",
    ]);

    const refused = await server.post('/api/v2/jobs/users-exports', { format: 'csv', include_password_hashes: true }, { headers: AUTH });
    assert.equal(refused.status, 400, 'hashes are never written into a spreadsheet');
    await server.close();
  });

  it('hands out a signed, expiring download link that needs no token and refuses a tampered one', async () => {
    const server = await managed();
    await importUsers(server, [{ email: 'a@import.example' }]);
    const { job } = await exportUsers(server, { format: 'json', limit: 1 });
    const link = new URL(String(job.location));
    assert.equal(link.pathname, `/api/v2/jobs/${String(job.id)}/download`);

    const signature = link.searchParams.get('signature') ?? '';
    const tampered = new URL(link);
    tampered.searchParams.set('signature', `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`);
    assert.equal((await server.request(pathOf(tampered))).status, 404);
    const longer = new URL(link);
    longer.searchParams.set('expires', String(Number(link.searchParams.get('expires')) + 3_600_000));
    assert.equal((await server.request(pathOf(longer))).status, 404, 'the expiry is signed too');

    server.clock.advance(61 * 60_000);
    const expired = await server.request(pathOf(link));
    assert.equal(expired.status, 404);
    assert.equal((await errorOf(expired)).code, 'not_found');
    await server.close();
  });
});
