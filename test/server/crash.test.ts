/**
 * The server process killed with SIGKILL in the middle of its work, then started again on the
 * same database: no user is half written, every user the server confirmed is there, and an
 * interrupted import resumes at once and finishes exactly once.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';

import {
  createTestDatabase,
  databaseIntegrityProblems,
  removeTestFolders,
  rowCount,
  startTestServer,
  STRONG_PASSWORD,
} from './helpers.js';
import { startServerProcess, type ServerProcess } from './server-process.js';

const ADMIN_TOKEN = 'a-management-token-for-crash-tests-0000';
const folder = mkdtempSync(join(tmpdir(), 'provision-lock-crash-'));
const configFile = join(folder, 'config.json');
writeFileSync(configFile, JSON.stringify({ rateLimits: { enabled: false }, imports: { directory: join(folder, 'jobs') } }));
after(() => {
  rmSync(folder, { recursive: true, force: true });
  removeTestFolders();
});

function startServer(databaseUrl: string): Promise<ServerProcess> {
  return startServerProcess({ PROVISION_LOCK_CONFIG: configFile, DATABASE_URL: databaseUrl, ADMIN_TOKEN });
}

describe('a server killed during sign-ups', () => {
  it('leaves every confirmed user complete and no user without a password', async () => {
    const database = (await createTestDatabase()).url;
    const server = await startServer(database);
    const confirmed: string[] = [];
    // Sign-ups keep coming until the kill, so that some are always in flight when it lands: a
    // fixed batch could all be answered in the milliseconds a kill takes on a fast machine.
    let crashing = false;
    let interrupted = 0;
    const lanes = Array.from({ length: 16 }, async (_unused, lane) => {
      for (let index = lane; !crashing; index += 16) {
        const email = `user${index}@crash.example`;
        try {
          const response = await fetch(`${server.url}/api/signup`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ email, password: STRONG_PASSWORD }),
          });
          if (response.status === 201) confirmed.push(email);
        } catch {
          // The connection died with the server: this sign-up may or may not have been committed.
          interrupted += 1;
        }
      }
    });
    while (confirmed.length < 10) await sleep(5);
    crashing = true;
    await server.crash();
    await Promise.all(lanes);
    assert.ok(interrupted > 0, `killed halfway (${confirmed.length} confirmed, none cut off)`);

    const restarted = await startTestServer({ databaseUrl: database });
    const users = await restarted.db.selectFrom('users').select(['id', 'email']).execute();
    const credentials = await restarted.db.selectFrom('credentials').select('user_id').execute();
    const withPassword = new Set(credentials.map((row) => row.user_id));
    assert.ok(users.every((user) => withPassword.has(user.id)), 'no user without their password');
    assert.equal(credentials.length, users.length, 'no password without its user');
    const stored = new Set(users.map((user) => user.email));
    assert.deepEqual(confirmed.filter((email) => !stored.has(email)), [], 'every confirmed sign-up survived');
    assert.deepEqual(await databaseIntegrityProblems(restarted.db), [], 'the database is whole');
    assert.equal((await restarted.post('/api/login', { identifier: confirmed[0], password: STRONG_PASSWORD })).status, 200);
    await restarted.close();
  });
});

describe('a server killed during a bulk import', () => {
  it('resumes the job at the next start, at once, and imports every row exactly once', async () => {
    const database = (await createTestDatabase()).url;
    const total = 40_000;
    const file = Array.from({ length: total }, (_unused, index) => JSON.stringify({ email: `row${index}@import.example`, name: `Row ${index}` })).join('\n');

    const first = await startServer(database);
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const connections = (await (await fetch(`${first.url}/api/v2/connections`, { headers: auth })).json()) as { id: string }[];
    const form = new FormData();
    form.set('users', new Blob([file]), 'users.ndjson');
    form.set('connection_id', connections[0]?.id ?? '');
    const created = await fetch(`${first.url}/api/v2/jobs/users-imports`, { method: 'POST', headers: auth, body: form });
    assert.equal(created.status, 202);
    const { id } = (await created.json()) as { id: string };

    const job = async (url: string): Promise<{ status: string; summary: { inserted: number; failed: number; total: number } }> =>
      (await (await fetch(`${url}/api/v2/jobs/${id}`, { headers: auth })).json()) as {
        status: string;
        summary: { inserted: number; failed: number; total: number };
      };
    let progress = await job(first.url);
    while (progress.summary.total === 0 && progress.status !== 'completed') {
      await sleep(5);
      progress = await job(first.url);
    }
    await first.crash();
    assert.equal(progress.status, 'processing', 'killed while the job ran');
    assert.ok(progress.summary.total < total);

    const second = await startServer(database);
    // No waiting for a stale heartbeat: the new server sees that the old process is gone.
    let resumed = await job(second.url);
    for (let poll = 0; poll < 2000 && resumed.status !== 'completed'; poll += 1) {
      await sleep(10);
      resumed = await job(second.url);
    }
    assert.equal(resumed.status, 'completed');
    assert.deepEqual(resumed.summary, { inserted: total, updated: 0, failed: 0, total });
    await second.stop();

    const check = await startTestServer({ databaseUrl: database });
    assert.equal(await rowCount(check, 'users'), total);
    assert.equal(await rowCount(check, 'job_errors'), 0);
    await check.close();
  });
});
