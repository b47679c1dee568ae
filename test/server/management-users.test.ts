/**
 * The Management API's users and connections, in Auth0's shapes, behind the admin token and its
 * rate limit.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';

import {
  cookieHeaderFrom,
  errorOf,
  removeTestFolders,
  rowCount,
  startTestServer,
  STRONG_PASSWORD,
  type TestServer,
  type TestServerOptions,
} from './helpers.js';

after(removeTestFolders);

const ADMIN_TOKEN = 'a-management-token-for-tests-0123456789';
const AUTH = { authorization: `Bearer ${ADMIN_TOKEN}` };

async function managed(options: TestServerOptions = {}): Promise<TestServer> {
  return startTestServer({ ...options, env: { ADMIN_TOKEN, ...options.env } });
}

async function api(server: TestServer, method: string, path: string, body?: unknown): Promise<Response> {
  return server.request(`/api/v2${path}`, {
    method,
    headers: { ...AUTH, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function json<T = Record<string, unknown>>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

describe('management API: the token and its rate limit', () => {
  it('refuses requests without the right token, in constant form, with rate-limit headers', async () => {
    const server = await managed();
    const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer wrong-token' }, { authorization: `Basic ${ADMIN_TOKEN}` }];
    for (const headers of attempts) {
      const response = await server.request('/api/v2/users', { headers });
      assert.equal(response.status, 401);
      assert.equal((await errorOf(response)).code, 'unauthenticated');
      assert.equal(response.headers.get('www-authenticate'), 'Bearer realm="provision-lock management API"');
      assert.ok(response.headers.get('x-ratelimit-limit'));
    }
    await server.close();
  });

  it('is off without ADMIN_TOKEN', async () => {
    const server = await startTestServer();
    const response = await server.request('/api/v2/users', { headers: AUTH });
    assert.equal(response.status, 401);
    assert.match((await errorOf(response)).message, /ADMIN_TOKEN/);
    await server.close();
  });

  it('counts requests per token and answers 429 with Retry-After when the bucket is empty', async () => {
    const server = await managed({ config: { rateLimits: { management: { burst: 3, perMinute: 60 } } } });
    const remaining = [];
    for (let request = 0; request < 3; request += 1) {
      const response = await api(server, 'GET', '/users');
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('x-ratelimit-limit'), '3');
      remaining.push(response.headers.get('x-ratelimit-remaining'));
      assert.match(response.headers.get('x-ratelimit-reset') ?? '', /^\d{10}$/);
    }
    assert.deepEqual(remaining, ['2', '1', '0']);
    const limited = await api(server, 'GET', '/users');
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '1');
    assert.equal((await errorOf(limited)).code, 'too_many_requests');
    const guessing = await server.request('/api/v2/users', { headers: { authorization: 'Bearer guess' } });
    assert.equal(guessing.status, 401, 'wrong tokens have their own bucket, per address');
    await server.close();
  });
});

describe('management API: users', () => {
  it('creates a user under the policy and shows it in Auth0 shape', async () => {
    const server = await managed({ config: { username: { enabled: true } } });
    const connection = server.services.connection.name;
    const created = await api(server, 'POST', '/users', {
      connection,
      email: 'Jane@Example.com',
      password: STRONG_PASSWORD,
      username: 'jane',
      given_name: 'Jane',
      family_name: 'Doe',
      name: 'Jane Doe',
      email_verified: true,
      app_metadata: { plan: 'pro' },
      user_metadata: { theme: 'dark' },
      user_id: 'legacy-17',
    });
    assert.equal(created.status, 201);
    const user = await json(created);
    assert.deepEqual(
      { ...user, created_at: undefined, updated_at: undefined },
      {
        user_id: 'auth0|legacy-17',
        email: 'jane@example.com',
        email_verified: true,
        username: 'jane',
        given_name: 'Jane',
        family_name: 'Doe',
        name: 'Jane Doe',
        identities: [{ connection, provider: 'auth0', user_id: 'legacy-17', isSocial: false }],
        app_metadata: { plan: 'pro' },
        user_metadata: { theme: 'dark' },
        blocked: false,
        created_at: undefined,
        updated_at: undefined,
        logins_count: 0,
      },
    );
    assert.equal((await server.post('/api/login', { identifier: 'jane', password: STRONG_PASSWORD })).status, 200);
    assert.deepEqual(await json(await api(server, 'GET', '/users/auth0%7Clegacy-17')), {
      ...(await json(await api(server, 'GET', `/users/${encodeURIComponent('auth0|legacy-17')}`))),
    });
    await server.close();
  });

  it('refuses a weak password, a taken email, an unknown connection and unknown fields', async () => {
    const server = await managed();
    const connection = server.services.connection.name;
    const weak = await api(server, 'POST', '/users', { connection, email: 'w@example.com', password: 'password' });
    assert.equal((await errorOf(weak)).code, 'invalid_password');
    assert.equal((await api(server, 'POST', '/users', { connection, email: 'w@example.com', password: STRONG_PASSWORD })).status, 201);
    const taken = await api(server, 'POST', '/users', { connection, email: 'W@example.com', password: STRONG_PASSWORD });
    assert.equal(taken.status, 409);
    assert.equal((await errorOf(taken)).code, 'user_exists');
    const elsewhere = await api(server, 'POST', '/users', { connection: 'Other-DB', email: 'o@example.com', password: STRONG_PASSWORD });
    assert.equal(elsewhere.status, 404);
    const extra = await api(server, 'POST', '/users', { connection, email: 'x@example.com', password: STRONG_PASSWORD, role: 'admin' });
    assert.equal((await errorOf(extra)).code, 'invalid_body');
    // zod's records drop a "__proto__" key: the metadata would be stored other than as sent.
    const prototypeKey: unknown = JSON.parse('{"__proto__": {"role": "admin"}}');
    const sneaky = await api(server, 'POST', '/users', { connection, email: 'p@example.com', password: STRONG_PASSWORD, app_metadata: prototypeKey });
    assert.equal(sneaky.status, 400);
    assert.deepEqual((await errorOf(sneaky)).issues, [{ path: 'app_metadata.__proto__', message: 'the key "__proto__" is not allowed' }]);
    assert.equal(await rowCount(server, 'users'), 1);
    await server.close();
  });

  it('lists users page by page with totals, searches them, sorts and picks fields', async () => {
    const server = await managed({ config: { username: { enabled: true } } });
    const connection = server.services.connection.name;
    for (const [index, email] of ['carol@example.com', 'alice@example.com', 'bob@corp.example', 'dave@example.com'].entries()) {
      server.clock.advance(1000);
      await api(server, 'POST', '/users', { connection, email, password: STRONG_PASSWORD, name: `User ${index}`, username: email.split('@')[0] });
    }
    await api(server, 'PATCH', `/users/${encodeURIComponent((await server.services.admin.getByEmail('dave@example.com'))[0]!.user_id)}`, { blocked: true });

    const page = await json<{ start: number; limit: number; length: number; total: number; users: { email: string }[] }>(
      await api(server, 'GET', '/users?page=1&per_page=2&include_totals=true'),
    );
    assert.deepEqual(
      { start: page.start, limit: page.limit, length: page.length, total: page.total },
      { start: 2, limit: 2, length: 2, total: 4 },
    );
    assert.deepEqual(page.users.map((user) => user.email), ['bob@corp.example', 'dave@example.com'], 'oldest first');

    const emails = async (query: string): Promise<string[]> =>
      (await json<{ email: string }[]>(await api(server, 'GET', `/users?q=${encodeURIComponent(query)}&sort=email:1`))).map((user) => user.email);
    assert.deepEqual(await emails('email:"ALICE@example.com"'), ['alice@example.com']);
    assert.deepEqual(await emails('email:b*'), ['bob@corp.example']);
    assert.deepEqual(await emails('corp'), ['bob@corp.example']);
    assert.deepEqual(await emails('username:carol'), ['carol@example.com']);
    assert.deepEqual(await emails('blocked:true'), ['dave@example.com']);
    const leading = await api(server, 'GET', `/users?q=${encodeURIComponent('email:*example.com')}`);
    assert.equal(leading.status, 400, 'wildcards only at the end');
    assert.deepEqual(await emails('name:"User 1" AND email_verified:false'), ['alice@example.com']);
    assert.deepEqual(await emails('100%'), [], 'percent signs are literal');
    const bad = await api(server, 'GET', `/users?q=${encodeURIComponent('email:a OR email:b')}`);
    assert.equal(bad.status, 400);
    assert.match((await errorOf(bad)).message, /only terms joined by AND/);

    const sorted = await json<{ email: string }[]>(await api(server, 'GET', '/users?sort=email:-1'));
    assert.deepEqual(sorted.map((user) => user.email), ['dave@example.com', 'carol@example.com', 'bob@corp.example', 'alice@example.com']);
    const projected = await json<Record<string, unknown>[]>(await api(server, 'GET', '/users?fields=email,user_id&include_fields=true&per_page=1'));
    assert.deepEqual(Object.keys(projected[0] ?? {}).sort(), ['email', 'user_id']);
    const byEmail = await json<{ email: string }[]>(await api(server, 'GET', '/users-by-email?email=BOB%40corp.example'));
    assert.deepEqual(byEmail.map((user) => user.email), ['bob@corp.example']);
    await server.close();
  });

  it('blocks a user (login 403, sessions end) and unblocks them', async () => {
    const server = await managed();
    const signup = await server.post('/api/signup', { email: 'block@example.com', password: STRONG_PASSWORD });
    const { user } = (await signup.json()) as { user: { user_id: string } };
    const id = encodeURIComponent(user.user_id);
    const blocked = await api(server, 'PATCH', `/users/${id}`, { blocked: true });
    assert.equal(blocked.status, 200);
    assert.equal((await json(blocked)).blocked, true);
    assert.equal((await server.request('/api/session', { headers: { cookie: cookieHeaderFrom(signup) } })).status, 401);
    const login = await server.post('/api/login', { identifier: 'block@example.com', password: STRONG_PASSWORD });
    assert.equal(login.status, 403);
    assert.equal((await errorOf(login)).code, 'user_blocked');
    await api(server, 'PATCH', `/users/${id}`, { blocked: false });
    assert.equal((await server.post('/api/login', { identifier: 'block@example.com', password: STRONG_PASSWORD })).status, 200);
    await server.close();
  });

  it('updates the profile, merges metadata, changes the password under the policy and history', async () => {
    const server = await managed({ config: { password: { history: 2 } } });
    const created = await json<{ user_id: string }>(
      await api(server, 'POST', '/users', {
        connection: server.services.connection.name,
        email: 'meta@example.com',
        password: STRONG_PASSWORD,
        user_metadata: { theme: 'dark', lang: 'en' },
      }),
    );
    const id = encodeURIComponent(created.user_id);
    const updated = await json(
      await api(server, 'PATCH', `/users/${id}`, { name: 'Meta Person', user_metadata: { lang: 'fr', theme: null, beta: true } }),
    );
    assert.equal(updated.name, 'Meta Person');
    assert.deepEqual(updated.user_metadata, { lang: 'fr', beta: true }, 'keys merge; null removes');

    const reused = await api(server, 'PATCH', `/users/${id}`, { password: STRONG_PASSWORD });
    assert.equal((await errorOf(reused)).code, 'invalid_password', 'the current password counts in the history');
    assert.equal((await api(server, 'PATCH', `/users/${id}`, { password: 'Brand-New-Secret-Words-4' })).status, 200);
    assert.equal((await server.post('/api/login', { identifier: 'meta@example.com', password: 'Brand-New-Secret-Words-4' })).status, 200);

    await api(server, 'POST', '/users', { connection: server.services.connection.name, email: 'other@example.com', password: STRONG_PASSWORD });
    const clash = await api(server, 'PATCH', `/users/${id}`, { email: 'other@example.com' });
    assert.equal(clash.status, 409);
    assert.equal((await errorOf(await api(server, 'PATCH', `/users/${id}`, { email_verified: 'yes' }))).code, 'invalid_body');
    await server.close();
  });

  it('deletes a user with their credentials and sessions', async () => {
    const server = await managed();
    const signup = await server.post('/api/signup', { email: 'gone@example.com', password: STRONG_PASSWORD });
    const { user } = (await signup.json()) as { user: { user_id: string } };
    const id = encodeURIComponent(user.user_id);
    assert.equal((await api(server, 'DELETE', `/users/${id}`)).status, 204);
    assert.equal((await api(server, 'GET', `/users/${id}`)).status, 404);
    assert.equal((await api(server, 'DELETE', `/users/${id}`)).status, 404);
    assert.equal(await rowCount(server, 'credentials'), 0);
    assert.equal(await rowCount(server, 'sessions'), 0);
    assert.equal((await server.request('/api/session', { headers: { cookie: cookieHeaderFrom(signup) } })).status, 401);
    await server.close();
  });
});

describe('management API: the connection', () => {
  it('has a name and a stable con_ id, and shows its policies', async () => {
    const server = await managed({ config: { connection: { name: 'Customers' }, password: { strength: 'excellent', history: 4 } } });
    const list = await json<{ total: number; connections: Record<string, unknown>[] }>(
      await api(server, 'GET', '/connections?include_totals=true&strategy=auth0'),
    );
    assert.equal(list.total, 1);
    const connection = list.connections[0] ?? {};
    assert.match(String(connection.id), /^con_[A-Za-z0-9]{16}$/);
    assert.equal(connection.name, 'Customers');
    assert.equal(connection.strategy, 'auth0');
    assert.deepEqual((connection.options as Record<string, unknown>).password_history, { enable: true, size: 4 });
    assert.deepEqual(await json(await api(server, 'GET', `/connections/${String(connection.id)}`)), connection);
    assert.equal((await api(server, 'GET', '/connections/con_0000000000000000')).status, 404);
    assert.deepEqual(await json(await api(server, 'GET', '/connections?strategy=google-oauth2')), []);

    const restarted = await server.restart();
    const again = await json<Record<string, unknown>[]>(
      await restarted.request('/api/v2/connections', { headers: AUTH }),
    );
    assert.equal(again[0]?.id, connection.id, 'the id survives a restart');
    await restarted.close();
  });
});
