import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, describe, it } from 'node:test';

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

const HOUR = 3_600_000;

async function signedIn(server: TestServer, email = 'sess@example.com'): Promise<string> {
  const response = await server.post('/api/signup', { email, password: STRONG_PASSWORD, name: 'Sess Ion' });
  assert.equal(response.status, 201);
  return cookieHeaderFrom(response);
}

describe('GET /api/session', () => {
  it('returns the user behind the cookie', async () => {
    const server = await startTestServer();
    const cookie = await signedIn(server);
    const response = await server.request('/api/session', { headers: { cookie } });
    assert.equal(response.status, 200);
    const { user } = (await response.json()) as { user: Record<string, unknown> };
    assert.equal(user.email, 'sess@example.com');
    assert.equal(user.name, 'Sess Ion');
    assert.equal(response.headers.get('Cache-Control'), 'no-store');
    await server.close();
  });

  it('answers unauthenticated without a cookie or with a forged one', async () => {
    const server = await startTestServer();
    await signedIn(server);
    const attempts: Record<string, string>[] = [{}, { cookie: 'provision_lock_session=forged-token' }];
    for (const headers of attempts) {
      const response = await server.request('/api/session', { headers });
      assert.equal(response.status, 401);
      assert.equal((await errorOf(response)).code, 'unauthenticated');
    }
    await server.close();
  });

  it('ends a session at its absolute lifetime even when it is used all along', async () => {
    const server = await startTestServer({ config: { session: { ttlHours: 10, idleHours: 4 } } });
    const cookie = await signedIn(server);
    for (let hour = 0; hour < 9; hour += 3) {
      server.clock.advance(3 * HOUR);
      assert.equal((await server.request('/api/session', { headers: { cookie } })).status, 200, `after ${hour + 3} h`);
    }
    server.clock.advance(HOUR);
    const expired = await server.request('/api/session', { headers: { cookie } });
    assert.equal(expired.status, 401);
    assert.equal(setCookies(expired)[0]?.attributes.get('max-age'), '0', 'the dead cookie is cleared');
    assert.equal((await server.db.selectFrom('sessions').selectAll().execute()).length, 0, 'and its row deleted');
    await server.close();
  });

  it('ends a session left idle for idleHours', async () => {
    const server = await startTestServer({ config: { session: { ttlHours: 100, idleHours: 2 } } });
    const cookie = await signedIn(server);
    server.clock.advance(2 * HOUR - 1000);
    assert.equal((await server.request('/api/session', { headers: { cookie } })).status, 200);
    server.clock.advance(2 * HOUR - 1000);
    assert.equal((await server.request('/api/session', { headers: { cookie } })).status, 200, 'use slides the deadline');
    server.clock.advance(2 * HOUR);
    assert.equal((await server.request('/api/session', { headers: { cookie } })).status, 401);
    await server.close();
  });

  it('ends the sessions of a user who gets blocked', async () => {
    const server = await startTestServer();
    const cookie = await signedIn(server);
    await server.db.updateTable('users').set({ blocked: 1 }).execute();
    assert.equal((await server.request('/api/session', { headers: { cookie } })).status, 401);
    await server.close();
  });

  it('keeps a row under the hash of the token, with the client address, its browser and its times', async () => {
    const server = await startTestServer({ config: { session: { ttlHours: 10, idleHours: 4 } } });
    const startedAt = server.clock();
    const response = await server.post(
      '/api/signup',
      { email: 'row@example.com', password: STRONG_PASSWORD },
      { ip: '198.51.100.7', headers: { 'user-agent': 'Row Browser/2.0' } },
    );
    assert.equal(response.status, 201);
    const token = setCookies(response)[0]?.value ?? '';
    const { user } = (await response.json()) as { user: { user_id: string } };
    assert.deepEqual(await server.db.selectFrom('sessions').selectAll().execute(), [
      {
        id: createHash('sha256').update(token).digest('hex'),
        user_id: user.user_id,
        created_at: startedAt,
        last_seen_at: startedAt,
        expires_at: startedAt + 10 * HOUR,
        ip: '198.51.100.7',
        user_agent: 'Row Browser/2.0',
      },
    ]);
    await server.close();
  });
});

describe('POST /api/logout', () => {
  it('revokes the session and clears the cookie', async () => {
    const server = await startTestServer();
    const cookie = await signedIn(server);
    const response = await server.request('/api/logout', { method: 'POST', headers: { cookie } });
    assert.equal(response.status, 204);
    const [cleared] = setCookies(response);
    assert.equal(cleared?.name, 'provision_lock_session');
    assert.equal(cleared?.value, '');
    assert.equal(cleared?.attributes.get('max-age'), '0');
    assert.equal((await server.db.selectFrom('sessions').selectAll().execute()).length, 0);
    assert.equal((await server.request('/api/session', { headers: { cookie } })).status, 401, 'the old token is dead');
    await server.close();
  });

  it('answers 204 without a session too', async () => {
    const server = await startTestServer();
    assert.equal((await server.request('/api/logout', { method: 'POST' })).status, 204);
    await server.close();
  });
});

describe('session cookie over https', () => {
  it('is Secure with the __Host- prefix when PUBLIC_URL is https', async () => {
    const server = await startTestServer({ env: { PUBLIC_URL: 'https://login.example.com' } });
    const response = await server.post(
      '/api/signup',
      { email: 'tls@example.com', password: STRONG_PASSWORD },
      { headers: { origin: 'https://login.example.com' } },
    );
    assert.equal(response.status, 201);
    const [cookie] = setCookies(response);
    assert.equal(cookie?.name, '__Host-provision_lock_session');
    assert.equal(cookie?.attributes.get('secure'), true);
    assert.equal(cookie?.attributes.get('path'), '/');
    assert.equal(cookie?.attributes.has('domain'), false);
    const session = await server.request('/api/session', { headers: { cookie: cookieHeaderFrom(response) } });
    assert.equal(session.status, 200);
    await server.close();
  });
});
