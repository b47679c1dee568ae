import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';

import { hashSessionToken } from '../../src/server/services/sessions.js';
import {
  cookieHeaderFrom,
  errorOf,
  removeTestFolders,
  setCookies,
  startTestServer,
  STRONG_PASSWORD,
  type TestServer,
} from './helpers.js';

after(removeTestFolders);

async function signUp(server: TestServer, email: string, extra: Record<string, string> = {}): Promise<string> {
  const response = await server.post('/api/signup', { email, password: STRONG_PASSWORD, ...extra });
  assert.equal(response.status, 201);
  const { user } = (await response.json()) as { user: { user_id: string } };
  return user.user_id;
}

function login(server: TestServer, identifier: string, password: string, init: { ip?: string; headers?: HeadersInit } = {}) {
  return server.post('/api/login', { identifier, password }, init);
}

describe('POST /api/login', () => {
  it('logs in by email in any case, counts the login and sets a session cookie', async () => {
    const server = await startTestServer({ config: { signup: { loginAfterSignup: false } } });
    const userId = await signUp(server, 'kim@example.com');
    server.clock.advance(60_000);
    const response = await login(server, '  KIM@Example.com ', STRONG_PASSWORD);
    assert.equal(response.status, 200);
    const { user } = (await response.json()) as { user: Record<string, unknown> };
    assert.equal(user.user_id, userId);
    assert.equal(user.logins_count, 1);
    assert.equal(user.last_login, '2026-11-22T10:01:00.000Z');

    const [cookie] = setCookies(response);
    assert.ok(cookie);
    assert.equal(cookie.name, 'provision_lock_session');
    assert.match(cookie.value, /^[A-Za-z0-9_-]{43}$/, '256 random bits, base64url');
    assert.equal(cookie.attributes.get('httponly'), true);
    assert.equal(cookie.attributes.get('samesite'), 'Lax');
    assert.equal(cookie.attributes.get('path'), '/');
    assert.equal(cookie.attributes.get('max-age'), String(168 * 3600));
    assert.equal(cookie.attributes.has('secure'), false, 'plain http in development');

    const stored = await server.db.selectFrom('sessions').selectAll().execute();
    assert.equal(stored.length, 1);
    assert.equal(stored[0]?.id, hashSessionToken(cookie.value), 'only the hash of the token is stored');
    assert.equal(stored[0]?.user_id, userId);
    await server.close();
  });

  it('logs in by username where usernames are on', async () => {
    const server = await startTestServer({ config: { username: { enabled: true } } });
    const userId = await signUp(server, 'lee@example.com', { username: 'LeeRoy' });
    const response = await login(server, 'leeroy', STRONG_PASSWORD);
    assert.equal(response.status, 200);
    assert.equal(((await response.json()) as { user: { user_id: string } }).user.user_id, userId);
    await server.close();
  });

  it('answers one generic invalid_credentials for a wrong password, an unknown user and a username when usernames are off', async () => {
    const server = await startTestServer();
    await signUp(server, 'max@example.com');
    const answers = [
      await login(server, 'max@example.com', `${STRONG_PASSWORD}!`),
      await login(server, 'nobody@example.com', STRONG_PASSWORD),
      await login(server, 'max', STRONG_PASSWORD),
    ];
    for (const response of answers) {
      assert.equal(response.status, 401);
      assert.deepEqual(await errorOf(response), {
        code: 'invalid_credentials',
        message: 'Wrong email, username or password.',
      });
      assert.deepEqual(setCookies(response), []);
    }
    await server.close();
  });

  it('tells a blocked user so only once the password is right', async () => {
    const server = await startTestServer();
    const userId = await signUp(server, 'blocked@example.com');
    await server.db.updateTable('users').set({ blocked: 1 }).where('id', '=', userId).execute();
    assert.equal((await errorOf(await login(server, 'blocked@example.com', 'Wrong-Password-1'))).code, 'invalid_credentials');
    const response = await login(server, 'blocked@example.com', STRONG_PASSWORD);
    assert.equal(response.status, 403);
    assert.equal((await errorOf(response)).code, 'user_blocked');
    assert.deepEqual(setCookies(response), []);
    await server.close();
  });

  it('sends users who must reset their password away with password_reset_required', async () => {
    const server = await startTestServer();
    const userId = await signUp(server, 'reset@example.com');
    await server.db.updateTable('users').set({ password_reset_required: 1 }).where('id', '=', userId).execute();
    const response = await login(server, 'reset@example.com', STRONG_PASSWORD);
    assert.equal(response.status, 403);
    assert.equal((await errorOf(response)).code, 'password_reset_required');
    await server.close();
  });

  it('rotates the session: logging in again ends the session the browser had', async () => {
    const server = await startTestServer();
    await signUp(server, 'rot@example.com');
    const first = await login(server, 'rot@example.com', STRONG_PASSWORD);
    const firstCookie = cookieHeaderFrom(first);
    const second = await login(server, 'rot@example.com', STRONG_PASSWORD, { headers: { cookie: firstCookie } });
    assert.equal(second.status, 200);
    assert.notEqual(cookieHeaderFrom(second), firstCookie);
    assert.equal((await server.request('/api/session', { headers: { cookie: firstCookie } })).status, 401);
    assert.equal((await server.request('/api/session', { headers: { cookie: cookieHeaderFrom(second) } })).status, 200);
    await server.close();
  });

  it('upgrades a hash made with weaker argon2 parameters on a successful login', async () => {
    const { hash } = await import('@node-rs/argon2');
    const server = await startTestServer();
    const userId = await signUp(server, 'old@example.com');
    const weakHash = await hash(STRONG_PASSWORD, { memoryCost: 4096, timeCost: 1, parallelism: 1 });
    await server.db.updateTable('credentials').set({ password_hash: weakHash }).where('user_id', '=', userId).execute();
    assert.equal((await login(server, 'old@example.com', STRONG_PASSWORD)).status, 200);
    const credential = await server.db.selectFrom('credentials').selectAll().where('user_id', '=', userId).executeTakeFirst();
    assert.match(credential?.password_hash ?? '', /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    assert.equal((await login(server, 'old@example.com', STRONG_PASSWORD)).status, 200, 'the new hash verifies');
    await server.close();
  });

  it('verifies the same password typed in another Unicode normal form', async () => {
    const server = await startTestServer();
    const password = 'Crème-Brûlée-2026';
    const response = await server.post('/api/signup', { email: 'nfc@example.com', password });
    assert.equal(response.status, 201);
    assert.equal((await login(server, 'nfc@example.com', password.normalize('NFD'))).status, 200);
    await server.close();
  });
});

describe('brute-force protection', () => {
  it('blocks an identifier and IP pair after maxAttempts failures, even with the right password, until blockMinutes pass', async () => {
    const server = await startTestServer({ config: { bruteForce: { maxAttempts: 10, blockMinutes: 15 } } });
    await signUp(server, 'target@example.com');
    for (let attempt = 1; attempt <= 10; attempt += 1) {
      const response = await login(server, 'target@example.com', `wrong-${attempt}`);
      assert.equal(response.status, 401, `attempt ${attempt}`);
    }
    const blocked = await login(server, 'target@example.com', STRONG_PASSWORD);
    assert.equal(blocked.status, 429);
    assert.equal((await errorOf(blocked)).code, 'too_many_attempts');
    assert.equal(blocked.headers.get('Retry-After'), String(15 * 60));

    const otherAddress = await login(server, 'target@example.com', STRONG_PASSWORD, { ip: '198.51.100.7' });
    assert.equal(otherAddress.status, 200, 'the block is per identifier and IP');

    server.clock.advance(15 * 60_000 - 1000);
    assert.equal((await login(server, 'target@example.com', STRONG_PASSWORD)).status, 429);
    assert.equal((await login(server, 'target@example.com', STRONG_PASSWORD)).headers.get('Retry-After'), '1');
    server.clock.advance(1000);
    assert.equal((await login(server, 'target@example.com', STRONG_PASSWORD)).status, 200, 'the block is over');
    await server.close();
  });

  it('counts failures for unknown identifiers too, and a success resets the count', async () => {
    const server = await startTestServer({ config: { bruteForce: { maxAttempts: 3 } } });
    await signUp(server, 'reset-count@example.com');
    for (let round = 0; round < 3; round += 1) {
      assert.equal((await login(server, 'reset-count@example.com', 'wrong')).status, 401);
      assert.equal((await login(server, 'reset-count@example.com', 'wrong')).status, 401);
      assert.equal((await login(server, 'reset-count@example.com', STRONG_PASSWORD)).status, 200);
    }
    for (let attempt = 0; attempt < 3; attempt += 1) {
      assert.equal((await login(server, 'ghost@example.com', 'wrong')).status, 401);
    }
    assert.equal((await login(server, 'ghost@example.com', 'wrong')).status, 429);
    await server.close();
  });

  it('never stores the identifier in clear', async () => {
    const server = await startTestServer();
    await login(server, 'My-Secret-Password-In-The-Wrong-Field', 'x');
    const rows = await server.db.selectFrom('login_failures').selectAll().execute();
    assert.equal(rows.length, 1);
    assert.match(rows[0]?.key ?? '', /^[0-9a-f]{64}$/);
    await server.close();
  });
});

describe('rate limits per IP', () => {
  it('answers 429 with Retry-After and X-RateLimit headers once the bucket is empty, and refills', async () => {
    const server = await startTestServer({ config: { rateLimits: { login: { burst: 3, perMinute: 6 } } } });
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let attempt = 0; attempt < 4; attempt += 1) {
      last = await login(server, `someone${attempt}@example.com`, 'x');
      statuses.push(last.status);
      if (attempt < 3) assert.equal(last.headers.get('X-RateLimit-Remaining'), String(2 - attempt));
    }
    assert.deepEqual(statuses, [401, 401, 401, 429]);
    assert.ok(last);
    assert.equal((await errorOf(last)).code, 'too_many_requests');
    assert.equal(last.headers.get('Retry-After'), '10', 'one token every ten seconds');
    assert.equal(last.headers.get('X-RateLimit-Limit'), '3');
    assert.equal(last.headers.get('X-RateLimit-Remaining'), '0');
    assert.equal(Number(last.headers.get('X-RateLimit-Reset')), Math.ceil((server.clock() + 30_000) / 1000));

    assert.equal((await login(server, 'other@example.com', 'x', { ip: '198.51.100.9' })).status, 401, 'per IP');
    server.clock.advance(10_000);
    assert.equal((await login(server, 'later@example.com', 'x')).status, 401, 'a token came back');
    assert.equal((await login(server, 'later@example.com', 'x')).status, 429);
    await server.close();
  });

  it('limits sign-ups separately', async () => {
    const server = await startTestServer({ config: { rateLimits: { signup: { burst: 1, perMinute: 1 } } } });
    assert.equal((await server.post('/api/signup', { email: 'a@example.com', password: STRONG_PASSWORD })).status, 201);
    const limited = await server.post('/api/signup', { email: 'b@example.com', password: STRONG_PASSWORD });
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('Retry-After'), '60');
    assert.equal((await login(server, 'a@example.com', STRONG_PASSWORD)).status, 200, 'login has its own bucket');
    await server.close();
  });
});
