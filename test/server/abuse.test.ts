/**
 * Holding up under attack: brute-force blocks and the ways out of them (time, an administrator,
 * a new password), the owner's notice, client addresses behind proxies, sign-up that does not
 * reveal who has an account, and answers that take the same time for known and unknown users.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';

import { Hono } from 'hono';

import type { AppEnv } from '../../src/server/env.js';
import { forwardedClientAddress, resolveClientIp, type ClientIpResolver } from '../../src/server/middleware/client-ip.js';
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

const ADMIN_TOKEN = 'a-management-token-for-abuse-tests-0000';
const AUTH = { authorization: `Bearer ${ADMIN_TOKEN}` };
const ATTACKER = '203.0.113.66';
const NEW_PASSWORD = 'Quiet-Harbour-Lantern-58';

async function serverWithVictim(options: TestServerOptions = {}): Promise<{ server: TestServer; userId: string }> {
  const server = await startTestServer({ ...options, env: { ADMIN_TOKEN, ...options.env } });
  const user = await server.services.users.signUp({ email: 'victim@example.com', password: STRONG_PASSWORD });
  return { server, userId: user.id };
}

function logIn(server: TestServer, password: string, ip = ATTACKER, identifier = 'victim@example.com'): Promise<Response> {
  return server.post('/api/login', { identifier, password }, { ip });
}

async function outboxSubjects(server: TestServer): Promise<string[]> {
  await server.services.background.idle();
  const mails = await server.db.selectFrom('outbox').select(['recipient', 'subject']).orderBy('created_at').execute();
  return mails.map((mail) => `${mail.recipient}: ${mail.subject}`);
}

describe('brute-force blocks', () => {
  it('11 wrong passwords: the 11th is refused with 429 and Retry-After, then so is the right password, until the block ends', async () => {
    const { server } = await serverWithVictim({ config: { bruteForce: { maxAttempts: 10, blockMinutes: 20 } } });
    const statuses: number[] = [];
    for (let attempt = 1; attempt <= 11; attempt += 1) statuses.push((await logIn(server, `guess-${attempt}`)).status);
    assert.deepEqual(statuses, [...Array<number>(10).fill(401), 429]);

    const right = await logIn(server, STRONG_PASSWORD);
    assert.equal(right.status, 429);
    assert.equal((await errorOf(right)).code, 'too_many_attempts');
    assert.equal(right.headers.get('retry-after'), String(20 * 60));

    server.clock.advance(20 * 60_000);
    assert.equal((await logIn(server, STRONG_PASSWORD)).status, 200, 'blockMinutes later the pair may log in');
    await server.close();
  });

  it('with an allowance of one attempt, a wrong password blocks the pair by itself, in every streak', async () => {
    const { server, userId } = await serverWithVictim({ config: { bruteForce: { maxAttempts: 1, blockMinutes: 5 } } });
    const blockedAddresses = async (): Promise<string[]> => {
      const listed = await server.request(`/api/v2/user-blocks/${encodeURIComponent(userId)}`, { headers: AUTH });
      return ((await listed.json()) as { blocked_for: { ip: string }[] }).blocked_for.map((block) => block.ip);
    };

    assert.equal((await logIn(server, 'guess-1')).status, 401);
    assert.deepEqual(await blockedAddresses(), [ATTACKER], 'blocked by that failure, before any other attempt');
    const right = await logIn(server, STRONG_PASSWORD);
    assert.equal(right.status, 429);
    assert.equal(right.headers.get('retry-after'), String(5 * 60));
    assert.equal((await logIn(server, STRONG_PASSWORD, '198.51.100.9')).status, 200, 'another address is not blocked');

    server.clock.advance(5 * 60_000);
    assert.deepEqual(await blockedAddresses(), [], 'the block is over');
    assert.equal((await logIn(server, 'guess-2')).status, 401, 'the password is checked again');
    assert.deepEqual(await blockedAddresses(), [ATTACKER], 'and the new streak is blocked by its first failure');
    await server.close();
  });

  it('mails the owner once per block, naming the address, and never for an unknown identifier', async () => {
    const { server } = await serverWithVictim({ config: { bruteForce: { maxAttempts: 3 } } });
    for (let attempt = 0; attempt < 8; attempt += 1) await logIn(server, 'Tried-Pa55word');
    for (let attempt = 0; attempt < 8; attempt += 1) await logIn(server, 'Tried-Pa55word', ATTACKER, 'nobody@example.com');
    assert.deepEqual(await outboxSubjects(server), ['victim@example.com: Logins to your account were blocked']);
    const [mail] = await server.db.selectFrom('outbox').select('text').execute();
    assert.match(mail?.text ?? '', new RegExp(`3 failed logins in a row .* from the address ${ATTACKER.replace(/\./g, '\\.')}`));
    assert.doesNotMatch(mail?.text ?? '', /Tried-Pa55word/, 'no attempted password in the mail');

    server.clock.advance(15 * 60_000);
    for (let attempt = 0; attempt < 3; attempt += 1) await logIn(server, 'guess');
    assert.equal((await outboxSubjects(server)).length, 2, 'a second block, a second mail');
    await server.close();
  });

  it('an administrator lists and lifts blocks through user-blocks, by id or by identifier', async () => {
    const { server, userId } = await serverWithVictim({ config: { bruteForce: { maxAttempts: 2 } } });
    for (const ip of [ATTACKER, '198.51.100.9']) {
      await logIn(server, 'guess', ip);
      await logIn(server, 'guess', ip);
    }
    const path = `/api/v2/user-blocks/${encodeURIComponent(userId)}`;
    const listed = await server.request(path, { headers: AUTH });
    assert.equal(listed.status, 200);
    const { blocked_for: blocks } = (await listed.json()) as { blocked_for: { identifier: string; ip: string; connection: string }[] };
    assert.deepEqual(blocks.map((block) => block.ip).sort(), ['198.51.100.9', ATTACKER]);
    assert.ok(blocks.every((block) => block.identifier === 'victim@example.com' && block.connection === 'Username-Password-Authentication'));

    const byIdentifier = await server.request('/api/v2/user-blocks?identifier=VICTIM@example.com', { method: 'DELETE', headers: AUTH });
    assert.equal(byIdentifier.status, 204);
    assert.equal((await logIn(server, STRONG_PASSWORD)).status, 200);
    assert.equal((await logIn(server, STRONG_PASSWORD, '198.51.100.9')).status, 200);
    assert.deepEqual(await (await server.request(path, { headers: AUTH })).json(), { blocked_for: [] });

    assert.equal((await server.request('/api/v2/user-blocks/auth0%7Cnobody', { headers: AUTH })).status, 404);
    assert.equal((await server.request('/api/v2/user-blocks?identifier=ghost@example.com', { headers: AUTH })).status, 404);
    assert.equal((await server.request(path, { method: 'DELETE' })).status, 401, 'the token is required');
    await server.close();
  });

  it('a password reset lifts every block on the account', async () => {
    const { server } = await serverWithVictim({ config: { bruteForce: { maxAttempts: 2 } } });
    await logIn(server, 'guess');
    await logIn(server, 'guess');
    assert.equal((await logIn(server, STRONG_PASSWORD)).status, 429);

    assert.equal((await server.post('/api/password-reset', { email: 'victim@example.com' })).status, 202);
    await server.services.background.idle();
    const mail = await server.db.selectFrom('outbox').select('text').where('subject', '=', 'Reset your password').executeTakeFirstOrThrow();
    const token = /#token=([\w-]+)/.exec(mail.text)?.[1] ?? '';
    assert.equal((await server.post('/api/password-reset/confirm', { token, password: NEW_PASSWORD })).status, 204);
    assert.equal((await logIn(server, NEW_PASSWORD)).status, 200, 'the blocked address may log in with the new password');
    assert.equal(await rowCount(server, 'login_failures'), 0);
    await server.close();
  });
});

describe('client addresses behind proxies', () => {
  /** An app that answers with the address the resolver found. */
  function echo(resolver: ClientIpResolver): Hono<AppEnv> {
    const app = new Hono<AppEnv>();
    app.use(resolveClientIp(resolver));
    app.get('/', (c) => c.text(c.var.clientIp));
    return app;
  }
  const peer: ClientIpResolver = (c) => c.req.header('x-test-peer');
  async function seen(app: Hono<AppEnv>, forwardedFor?: string): Promise<string> {
    const headers: Record<string, string> = { 'x-test-peer': '10.0.0.2' };
    if (forwardedFor !== undefined) headers['x-forwarded-for'] = forwardedFor;
    return (await app.request('/', { headers })).text();
  }

  it('ignores X-Forwarded-For unless trustProxy says how many hops to believe', async () => {
    assert.equal(await seen(echo(forwardedClientAddress(0, peer)), '192.0.2.1'), '10.0.0.2');

    const oneHop = echo(forwardedClientAddress(1, peer));
    assert.equal(await seen(oneHop, '192.0.2.1'), '192.0.2.1');
    assert.equal(await seen(oneHop, '6.6.6.6, 192.0.2.1'), '192.0.2.1', 'what the client wrote itself is skipped');
    assert.equal(await seen(oneHop), '10.0.0.2', 'no header: the peer');
    assert.equal(await seen(oneHop, 'not-an-address'), '10.0.0.2', 'a malformed entry is not believed');

    const twoHops = echo(forwardedClientAddress(2, peer));
    assert.equal(await seen(twoHops, '6.6.6.6, 192.0.2.1, 10.0.0.1'), '192.0.2.1');
    assert.equal(await seen(twoHops, '2001:db8::7, 10.0.0.1'), '2001:db8::7');
  });
});

describe('sign-up that does not reveal existing accounts', () => {
  it('answers 202 alike for a new and a taken email, mails each owner, and starts no session', async () => {
    const { server } = await serverWithVictim({ config: { signup: { revealExisting: false } } });
    const fresh = await server.post('/api/signup', { email: 'newcomer@example.com', password: STRONG_PASSWORD });
    const taken = await server.post('/api/signup', { email: 'victim@example.com', password: 'Another-Strong-Passw0rd' });
    for (const response of [fresh, taken]) {
      assert.equal(response.status, 202);
      assert.equal(await response.text(), '');
      assert.equal(response.headers.getSetCookie().length, 0);
    }
    assert.deepEqual((await outboxSubjects(server)).sort(), [
      'newcomer@example.com: Your account is ready',
      'victim@example.com: You already have an account',
    ]);
    assert.equal((await logIn(server, STRONG_PASSWORD, ATTACKER, 'newcomer@example.com')).status, 200);
    assert.equal((await logIn(server, STRONG_PASSWORD)).status, 200, 'the existing password is untouched');

    const weak = await server.post('/api/signup', { email: 'victim@example.com', password: 'short' });
    assert.equal(weak.status, 400, 'policy errors still show: they say nothing about the account');
    await server.close();
  });
});

describe('no user enumeration by timing', () => {
  /** Median duration of `count` runs of `request`, in ms. Timing is noisy; medians are not. */
  async function medianMs(count: number, request: (index: number) => Promise<Response>): Promise<number> {
    const durations: number[] = [];
    for (let index = 0; index < count; index += 1) {
      const started = performance.now();
      await request(index);
      durations.push(performance.now() - started);
    }
    durations.sort((a, b) => a - b);
    return durations[Math.floor(count / 2)] ?? 0;
  }

  it('a wrong password for a known user takes as long as any password for an unknown one; so does a reset request', async () => {
    // A security property, not a speed target: without the dummy hash the unknown case would be
    // about a hundred times faster, so a factor of 2.5 either way still catches it.
    const { server } = await serverWithVictim({ config: { rateLimits: { enabled: false }, bruteForce: { enabled: false } } });
    const known = await medianMs(15, () => logIn(server, 'wrong-password'));
    const unknown = await medianMs(15, (index) => logIn(server, 'wrong-password', ATTACKER, `ghost${index}@example.com`));
    const ratio = known / unknown;
    assert.ok(ratio > 0.4 && ratio < 2.5, `login: known ${known.toFixed(1)} ms, unknown ${unknown.toFixed(1)} ms`);

    const resetKnown = await medianMs(15, () => server.post('/api/password-reset', { email: 'victim@example.com' }));
    const resetUnknown = await medianMs(15, (index) => server.post('/api/password-reset', { email: `ghost${index}@example.com` }));
    await server.services.background.idle();
    assert.ok(resetKnown < 50 && resetUnknown < 50, 'a reset request answers before looking anything up');
    await server.close();
  });
});

describe('sessions under privilege change', () => {
  it('a password set by an administrator ends every session and lifts blocks', async () => {
    const { server, userId } = await serverWithVictim({ config: { bruteForce: { maxAttempts: 2 } } });
    const login = await logIn(server, STRONG_PASSWORD, '198.51.100.20');
    const cookie = cookieHeaderFrom(login);
    await logIn(server, 'guess');
    await logIn(server, 'guess');
    const changed = await server.request(`/api/v2/users/${encodeURIComponent(userId)}`, {
      method: 'PATCH',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ password: NEW_PASSWORD }),
    });
    assert.equal(changed.status, 200);
    assert.equal((await server.request('/api/session', { headers: { cookie } })).status, 401);
    assert.equal((await logIn(server, NEW_PASSWORD)).status, 200);
    await server.close();
  });
});
