import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';

import { MIGRATIONS } from '../../src/server/store/migrations/index.js';
import { cookieHeaderFrom, removeTestFolders, startTestServer, STRONG_PASSWORD } from './helpers.js';

after(removeTestFolders);

describe('persistence', () => {
  it('keeps users, passwords, sessions and counters across a restart on the same database file', async () => {
    const first = await startTestServer({ config: { bruteForce: { maxAttempts: 2 } } });
    const signup = await first.post('/api/signup', { email: 'durable@example.com', password: STRONG_PASSWORD });
    assert.equal(signup.status, 201);
    const cookie = cookieHeaderFrom(signup);
    await first.post('/api/login', { identifier: 'attacked@example.com', password: 'x' });
    await first.post('/api/login', { identifier: 'attacked@example.com', password: 'x' });

    const second = await first.restart();
    const session = await second.request('/api/session', { headers: { cookie } });
    assert.equal(session.status, 200, 'the session survived');
    const login = await second.post('/api/login', { identifier: 'durable@example.com', password: STRONG_PASSWORD });
    assert.equal(login.status, 200, 'the password survived');
    const blocked = await second.post('/api/login', { identifier: 'attacked@example.com', password: 'x' });
    assert.equal(blocked.status, 429, 'the brute-force block survived');
    const duplicate = await second.post('/api/signup', { email: 'durable@example.com', password: STRONG_PASSWORD });
    assert.equal(duplicate.status, 409);

    const migrations = await second.db.selectFrom('kysely_migration' as never).selectAll().execute();
    assert.equal(migrations.length, Object.keys(MIGRATIONS).length, 'migrations are applied once, not again at restart');
    await second.close();
  });
});
