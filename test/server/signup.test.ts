import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';

import {
  errorOf,
  removeTestFolders,
  rowCount,
  setCookies,
  startTestServer,
  STRONG_PASSWORD,
  type TestServer,
} from './helpers.js';

after(removeTestFolders);

const userCount = (server: TestServer): Promise<number> => rowCount(server, 'users');
const credentialCount = (server: TestServer): Promise<number> => rowCount(server, 'credentials');

describe('POST /api/signup', () => {
  it('creates the user, stores an argon2id hash apart from the user row, and starts a session', async () => {
    const server = await startTestServer();
    const response = await server.post('/api/signup', {
      email: '  Jane.Doe@Example.COM ',
      password: STRONG_PASSWORD,
      name: 'Jane Doe',
    });
    assert.equal(response.status, 201);
    const { user } = (await response.json()) as { user: Record<string, unknown> };
    assert.match(String(user.user_id), /^auth0\|[0-9a-f]{24}$/);
    assert.equal(user.email, 'jane.doe@example.com', 'trimmed and lowercased');
    assert.equal(user.email_verified, false);
    assert.equal(user.name, 'Jane Doe');
    assert.equal(user.logins_count, 1, 'the session after sign-up counts as a login');
    assert.equal(typeof user.last_login, 'string');
    assert.deepEqual(user.identities, [{ provider: 'auth0', user_id: String(user.user_id).slice('auth0|'.length) }]);
    assert.equal(user.created_at, '2026-11-22T10:00:00.000Z');
    assert.equal('password' in user || 'password_hash' in user, false, 'no secret in the answer');

    const row = await server.db.selectFrom('users').selectAll().where('id', '=', String(user.user_id)).executeTakeFirst();
    assert.equal(row?.email, 'jane.doe@example.com');
    const credential = await server.db
      .selectFrom('credentials')
      .selectAll()
      .where('user_id', '=', String(user.user_id))
      .executeTakeFirst();
    assert.match(credential?.password_hash ?? '', /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    assert.equal(credential?.password_hash.includes(STRONG_PASSWORD), false);

    const [cookie] = setCookies(response);
    assert.equal(cookie?.name, 'provision_lock_session');
    await server.close();
  });

  it('does not start a session when loginAfterSignup is off', async () => {
    const server = await startTestServer({ config: { signup: { loginAfterSignup: false } } });
    const response = await server.post('/api/signup', { email: 'a@example.com', password: STRONG_PASSWORD });
    assert.equal(response.status, 201);
    assert.deepEqual(setCookies(response), []);
    const { user } = (await response.json()) as { user: Record<string, unknown> };
    assert.equal(user.logins_count, 0);
    assert.equal('last_login' in user, false);
    await server.close();
  });

  it('answers invalid_password with every rule and whether it passed, and writes nothing', async () => {
    const server = await startTestServer();
    const response = await server.post('/api/signup', { email: 'weak@example.com', password: 'Password1' });
    assert.equal(response.status, 400);
    const error = await errorOf(response);
    assert.equal(error.code, 'invalid_password');
    assert.deepEqual(error.rules, [
      { id: 'min_length', ok: true, min: 8 },
      { id: 'max_length', ok: true, max: 128 },
      {
        id: 'character_classes',
        ok: true,
        required: 3,
        classes: ['lower', 'upper', 'digit', 'special'],
        present: ['lower', 'upper', 'digit'],
      },
      { id: 'min_score', ok: false, min: 2, score: 0 },
      { id: 'dictionary', ok: false },
      { id: 'personal_info', ok: true },
    ]);
    assert.equal(await userCount(server), 0);
    await server.close();
  });

  it('refuses a password that contains the email local part', async () => {
    const server = await startTestServer();
    const response = await server.post('/api/signup', {
      email: 'marmaduke@example.com',
      password: 'Marmaduke-Rides-77',
    });
    const error = await errorOf(response);
    assert.equal(error.code, 'invalid_password');
    assert.deepEqual(
      (error.rules as { id: string; ok: boolean }[]).filter((rule) => !rule.ok).map((rule) => rule.id),
      ['personal_info'],
    );
    await server.close();
  });

  it('accepts a new account under a history policy: it has no earlier passwords', async () => {
    const server = await startTestServer({ config: { password: { history: 5 } } });
    const response = await server.post('/api/signup', { email: 'fresh@example.com', password: STRONG_PASSWORD });
    assert.equal(response.status, 201);
    await server.close();
  });

  it('enforces the configured maximum length', async () => {
    const server = await startTestServer({ config: { password: { maxLength: 20, minScore: 0 } } });
    const response = await server.post('/api/signup', { email: 'long@example.com', password: `${STRONG_PASSWORD}-and-more` });
    const error = await errorOf(response);
    assert.equal(error.code, 'invalid_password');
    assert.deepEqual((error.rules as { id: string }[]).find((rule) => rule.id === 'max_length'), {
      id: 'max_length',
      ok: false,
      max: 20,
    });
    await server.close();
  });

  it('answers user_exists for a taken email in any case, and keeps one user', async () => {
    const server = await startTestServer();
    assert.equal((await server.post('/api/signup', { email: 'sam@example.com', password: STRONG_PASSWORD })).status, 201);
    const again = await server.post('/api/signup', { email: 'SAM@example.com', password: `${STRONG_PASSWORD}x` });
    assert.equal(again.status, 409);
    assert.deepEqual(await errorOf(again), {
      code: 'user_exists',
      message: 'A user with this email already exists.',
      field: 'email',
    });
    assert.equal(await userCount(server), 1);
    await server.close();
  });

  it('applies the username policy when usernames are on', async () => {
    const server = await startTestServer({ config: { username: { required: true, minLength: 3 } } });

    const missing = await server.post('/api/signup', { email: 'u1@example.com', password: STRONG_PASSWORD });
    assert.equal(missing.status, 400);
    assert.equal((await errorOf(missing)).code, 'invalid_username');

    const emailShaped = await server.post('/api/signup', {
      email: 'u1@example.com',
      password: STRONG_PASSWORD,
      username: 'u1@example.com',
    });
    const error = await errorOf(emailShaped);
    assert.equal(error.code, 'invalid_username');
    assert.deepEqual(error.rules, [
      { id: 'min_length', ok: true, min: 3 },
      { id: 'max_length', ok: true, max: 15 },
      { id: 'allowed_characters', ok: true, invalid: [] },
      { id: 'not_email', ok: false },
    ]);

    const created = await server.post('/api/signup', {
      email: 'u1@example.com',
      password: STRONG_PASSWORD,
      username: 'Jane_Doe',
    });
    assert.equal(created.status, 201);
    const { user } = (await created.json()) as { user: { username: string } };
    assert.equal(user.username, 'jane_doe', 'stored lowercase');

    const taken = await server.post('/api/signup', {
      email: 'u2@example.com',
      password: STRONG_PASSWORD,
      username: 'JANE_DOE',
    });
    assert.equal(taken.status, 409);
    assert.equal((await errorOf(taken)).field, 'username');
    assert.equal(await userCount(server), 1);
    await server.close();
  });

  it('refuses a username when usernames are off', async () => {
    const server = await startTestServer();
    const response = await server.post('/api/signup', {
      email: 'x@example.com',
      password: STRONG_PASSWORD,
      username: 'xavier',
    });
    assert.equal(response.status, 400);
    assert.equal((await errorOf(response)).code, 'invalid_body');
    await server.close();
  });

  it('answers signup_disabled when sign-up is off, whatever the body', async () => {
    const server = await startTestServer({ config: { signup: { enabled: false } } });
    for (const body of [{ email: 'x@example.com', password: STRONG_PASSWORD }, { nonsense: true }]) {
      const response = await server.post('/api/signup', body);
      assert.equal(response.status, 403);
      assert.equal((await errorOf(response)).code, 'signup_disabled');
    }
    assert.equal(await userCount(server), 0);
    await server.close();
  });

  describe('bad bodies get a 4xx envelope and write nothing', () => {
    const cases: { name: string; body: string; contentType?: string; status: number; code: string }[] = [
      { name: 'malformed JSON', body: '{"email": "a@example.com", ', status: 400, code: 'invalid_body' },
      { name: 'an empty body', body: '', status: 400, code: 'invalid_body' },
      { name: 'a JSON array', body: '[]', status: 400, code: 'invalid_body' },
      { name: 'JSON null', body: 'null', status: 400, code: 'invalid_body' },
      { name: 'a wrong type', body: '{"email": 42, "password": "x"}', status: 400, code: 'invalid_body' },
      { name: 'a missing field', body: '{"email": "a@example.com"}', status: 400, code: 'invalid_body' },
      { name: 'an invalid email', body: `{"email": "not-an-email", "password": "${STRONG_PASSWORD}"}`, status: 400, code: 'invalid_body' },
      {
        name: 'an unknown field',
        body: `{"email": "a@example.com", "password": "${STRONG_PASSWORD}", "role": "admin"}`,
        status: 400,
        code: 'invalid_body',
      },
      {
        name: 'a prototype key',
        body: `{"email": "a@example.com", "password": "${STRONG_PASSWORD}", "__proto__": {"admin": true}}`,
        status: 400,
        code: 'invalid_body',
      },
      {
        // SQLite would store the name as U+FFFD: refused rather than changed.
        name: 'a name holding a lone surrogate',
        body: `{"email": "a@example.com", "password": "${STRONG_PASSWORD}", "name": "Ada \\ud800"}`,
        status: 400,
        code: 'invalid_body',
      },
      {
        name: 'a password holding a lone surrogate',
        body: `{"email": "a@example.com", "password": "${STRONG_PASSWORD}\\udfff"}`,
        status: 400,
        code: 'invalid_body',
      },
      {
        name: 'nesting thousands deep',
        body: `{"email": "a@example.com", "password": "${STRONG_PASSWORD}", "name": ${'['.repeat(5000)}${']'.repeat(5000)}}`,
        status: 400,
        code: 'invalid_body',
      },
      {
        name: 'a form post',
        body: 'email=a%40example.com&password=x',
        contentType: 'application/x-www-form-urlencoded',
        status: 415,
        code: 'unsupported_media_type',
      },
      {
        name: 'a body over 64 KiB',
        body: JSON.stringify({ email: 'a@example.com', password: STRONG_PASSWORD, name: 'x'.repeat(70_000) }),
        status: 413,
        code: 'payload_too_large',
      },
    ];
    for (const testCase of cases) {
      it(testCase.name, async () => {
        const server = await startTestServer();
        const response = await server.request('/api/signup', {
          method: 'POST',
          headers: { 'content-type': testCase.contentType ?? 'application/json' },
          body: testCase.body,
        });
        assert.equal(response.status, testCase.status);
        const error = await errorOf(response);
        assert.equal(error.code, testCase.code);
        assert.equal(typeof error.message, 'string');
        assert.equal(await userCount(server), 0);
        assert.equal(await credentialCount(server), 0);
        await server.close();
      });
    }

    it('invalid_body names the offending fields', async () => {
      const server = await startTestServer();
      const response = await server.post('/api/signup', { email: 'nope', password: STRONG_PASSWORD, extra: 1 });
      const error = await errorOf(response);
      const paths = (error.issues as { path: string }[]).map((issue) => issue.path).sort();
      assert.deepEqual(paths, ['', 'email']);
      assert.match(error.message, /email: Invalid email address/);
      assert.match(error.message, /Unrecognized key: "extra"/);
      const lone = await errorOf(await server.post('/api/signup', { email: 'a@example.com', password: STRONG_PASSWORD, name: 'Ada \ud800' }));
      assert.deepEqual(lone.issues, [{ path: 'name', message: 'must be well-formed Unicode text (it holds a lone surrogate)' }]);
      await server.close();
    });
  });

  it('creates exactly one user when the same email signs up twenty times at once', async () => {
    const server = await startTestServer({ config: { rateLimits: { enabled: false } } });
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => server.post('/api/signup', { email: 'race@example.com', password: STRONG_PASSWORD })),
    );
    const statuses = responses.map((response) => response.status).sort();
    assert.deepEqual(statuses, [201, ...Array<number>(19).fill(409)]);
    assert.equal(await userCount(server), 1);
    assert.equal(await credentialCount(server), 1);
    await server.close();
  });
});
