/**
 * Moving users from a legacy identity store: lazy migration (each user moves at their first
 * login) and proxy mode (the legacy store stays the authority), against a store the test runs.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';

import { startLegacyStore, type LegacyStoreServer } from './legacy-store-server.js';
import {
  errorOf,
  recordingLogger,
  removeTestFolders,
  rowCount,
  startTestServer,
  STRONG_PASSWORD,
  type TestServer,
} from './helpers.js';

after(removeTestFolders);

const LEGACY_PASSWORD = 'an old password, never up to policy';
const ADMIN_TOKEN = 'a-management-token-for-tests-0123456789';

async function serverFor(legacy: LegacyStoreServer, mode: 'migrate' | 'proxy', extra: object = {}): Promise<TestServer> {
  return startTestServer({
    config: {
      legacyStore: { url: legacy.url, mode, secret: 'env:LEGACY_SECRET', timeoutMs: 300 },
      username: { enabled: true },
      ...extra,
    },
    env: { LEGACY_SECRET: legacy.secret, ADMIN_TOKEN },
  });
}

function legacyUsers() {
  return [
    { user_id: 'L-1001', email: 'ada@legacy.example', password: LEGACY_PASSWORD, username: 'ada', name: 'Ada', email_verified: true },
    { user_id: 42, email: 'grace@legacy.example', password: LEGACY_PASSWORD, user_metadata: { team: 'compilers' } },
  ];
}

describe('lazy migration (mode: migrate)', () => {
  it('moves a user here at the first login, keeping the password and the id; later logins are local', async () => {
    const legacy = await startLegacyStore(legacyUsers());
    const server = await serverFor(legacy, 'migrate');
    const first = await server.post('/api/login', { identifier: 'ada@legacy.example', password: LEGACY_PASSWORD });
    assert.equal(first.status, 200);
    const { user } = (await first.json()) as { user: Record<string, unknown> };
    assert.equal(user.user_id, 'auth0|L-1001', 'the legacy id is kept');
    assert.equal(user.username, 'ada');
    assert.equal(user.email_verified, true);
    const credential = await server.db.selectFrom('credentials').selectAll().where('user_id', '=', 'auth0|L-1001').executeTakeFirst();
    assert.match(credential?.password_hash ?? '', /^\$argon2id\$/, 'the password is hashed here now');

    legacy.calls.length = 0;
    const second = await server.post('/api/login', { identifier: 'ada', password: LEGACY_PASSWORD });
    assert.equal(second.status, 200);
    assert.deepEqual(legacy.calls, [], 'the second login never asks the legacy store');
    await server.close();
    await legacy.close();
  });

  it('refuses a wrong password with invalid_credentials and moves nobody', async () => {
    const legacy = await startLegacyStore(legacyUsers());
    const server = await serverFor(legacy, 'migrate');
    const response = await server.post('/api/login', { identifier: 'grace@legacy.example', password: 'not it' });
    assert.equal(response.status, 401);
    assert.equal((await errorOf(response)).code, 'invalid_credentials');
    assert.equal(await rowCount(server, 'users'), 0);
    await server.close();
    await legacy.close();
  });

  it('keeps sign-up from duplicating a user who has not moved yet', async () => {
    const legacy = await startLegacyStore(legacyUsers());
    const server = await serverFor(legacy, 'migrate');
    const byEmail = await server.post('/api/signup', { email: 'grace@legacy.example', password: STRONG_PASSWORD });
    assert.equal(byEmail.status, 409);
    assert.equal((await errorOf(byEmail)).field, 'email');
    const byUsername = await server.post('/api/signup', { email: 'other@example.com', password: STRONG_PASSWORD, username: 'ada' });
    assert.equal((await errorOf(byUsername)).field, 'username');
    assert.equal((await server.post('/api/signup', { email: 'new@example.com', password: STRONG_PASSWORD })).status, 201);
    await server.close();
    await legacy.close();
  });

  it('moves a user who asks for a password reset, so the reset can work', async () => {
    const legacy = await startLegacyStore(legacyUsers());
    const server = await serverFor(legacy, 'migrate');
    assert.equal((await server.post('/api/password-reset', { email: 'grace@legacy.example' })).status, 202);
    await server.services.passwordReset.idle();
    const moved = await server.db.selectFrom('users').selectAll().where('email', '=', 'grace@legacy.example').executeTakeFirst();
    assert.equal(moved?.id, 'auth0|42');
    assert.equal(moved?.origin, 'legacy');
    assert.deepEqual(JSON.parse(moved?.user_metadata ?? '{}'), { team: 'compilers' });
    const outbox = await server.db.selectFrom('outbox').selectAll().execute();
    assert.equal(outbox[0]?.recipient, 'grace@legacy.example');
    assert.match(outbox[0]?.text ?? '', /view=set-password#token=/, 'a moved user without a password sets one');
    await server.close();
    await legacy.close();
  });

  it('fails closed with legacy_store_unavailable when the store errs, answers nonsense or is too slow, and logs no password', async () => {
    const legacy = await startLegacyStore(legacyUsers());
    const logger = recordingLogger();
    const server = await startTestServer({
      config: { legacyStore: { url: legacy.url, mode: 'migrate', secret: legacy.secret, timeoutMs: 300 } },
      logger,
    });
    for (const behaviour of ['error', 'garbage', 'slow'] as const) {
      legacy.behaviour = behaviour;
      const response = await server.post('/api/login', { identifier: 'ada@legacy.example', password: LEGACY_PASSWORD });
      assert.equal(response.status, 503, behaviour);
      assert.equal((await errorOf(response)).code, 'legacy_store_unavailable');
    }
    assert.equal(await rowCount(server, 'users'), 0);
    assert.match(logger.lines.join('\n'), /legacy identity store failed/);
    assert.doesNotMatch(logger.lines.join('\n'), new RegExp(LEGACY_PASSWORD), 'no password in the log');
    await server.close();
    await legacy.close();
  });

  it('shows how far the migration is', async () => {
    const legacy = await startLegacyStore(legacyUsers());
    const server = await serverFor(legacy, 'migrate');
    await server.post('/api/login', { identifier: 'ada@legacy.example', password: LEGACY_PASSWORD });
    await server.post('/api/signup', { email: 'local@example.com', password: STRONG_PASSWORD });
    const response = await server.request('/api/v2/stats/migration', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), {
      legacy_store_mode: 'migrate',
      total: 2,
      migrated_from_legacy_store: 1,
      imported: 0,
      signed_up: 1,
      created_by_management_api: 0,
      social: 0,
    });
    await server.close();
    await legacy.close();
  });
});

describe('identity-store proxy (mode: proxy)', () => {
  it('asks the legacy store at every login, keeps the profile in step, and stores no password', async () => {
    const legacy = await startLegacyStore(legacyUsers());
    const server = await serverFor(legacy, 'proxy');
    assert.equal((await server.post('/api/login', { identifier: 'ada', password: LEGACY_PASSWORD })).status, 200);
    legacy.users[0] = { ...legacy.users[0]!, name: 'Ada Lovelace' };
    const second = await server.post('/api/login', { identifier: 'ada', password: LEGACY_PASSWORD });
    assert.equal(second.status, 200);
    assert.equal(((await second.json()) as { user: { name: string } }).user.name, 'Ada Lovelace');
    assert.deepEqual(legacy.calls, ['POST /login ada', 'POST /login ada']);
    assert.equal(await rowCount(server, 'credentials'), 0, 'nothing local answers for a password');
    assert.equal(await rowCount(server, 'users'), 1);
    await server.close();
    await legacy.close();
  });

  it('closes sign-up and password reset, which belong to the legacy store', async () => {
    const legacy = await startLegacyStore(legacyUsers());
    const server = await serverFor(legacy, 'proxy');
    const config = (await (await server.request('/api/config')).json()) as { signup: unknown; passwordReset: unknown };
    assert.deepEqual(config.signup, { enabled: false });
    assert.deepEqual(config.passwordReset, { enabled: false });
    assert.equal((await errorOf(await server.post('/api/signup', { email: 'x@example.com', password: STRONG_PASSWORD }))).code, 'signup_disabled');
    assert.equal((await errorOf(await server.post('/api/password-reset', { email: 'ada@legacy.example' }))).code, 'password_reset_disabled');
    await server.close();
    await legacy.close();
  });

  it('never lets a local password answer, even one imported earlier', async () => {
    const legacy = await startLegacyStore(legacyUsers());
    const server = await serverFor(legacy, 'proxy');
    await server.services.admin.create({ connection: server.services.connection.name, email: 'ada@legacy.example', password: STRONG_PASSWORD, user_id: 'L-1001' });
    const local = await server.post('/api/login', { identifier: 'ada@legacy.example', password: STRONG_PASSWORD });
    assert.equal(local.status, 401, 'the local password is not the legacy one');
    const remote = await server.post('/api/login', { identifier: 'ada@legacy.example', password: LEGACY_PASSWORD });
    assert.equal(remote.status, 200);
    await server.close();
    await legacy.close();
  });
});
