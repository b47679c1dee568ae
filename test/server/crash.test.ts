/**
 * The server process killed with SIGKILL in the middle of its work, then started again on the
 * same SQLite file: no user is half written, every user the server confirmed is there, and an
 * interrupted import resumes at once and finishes exactly once.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';

import { sql } from 'kysely';

import { removeTestFolders, rowCount, startTestServer, STRONG_PASSWORD } from './helpers.js';

const ADMIN_TOKEN = 'a-management-token-for-crash-tests-0000';
const folder = mkdtempSync(join(tmpdir(), 'provision-lock-crash-'));
const configFile = join(folder, 'config.json');
writeFileSync(configFile, JSON.stringify({ rateLimits: { enabled: false } }));
after(() => {
  rmSync(folder, { recursive: true, force: true });
  removeTestFolders();
});

interface ServerProcess {
  url: string;
  child: ChildProcessWithoutNullStreams;
  /** SIGKILL: no shutdown code runs, as in a power cut or an OOM kill. */
  crash(): Promise<void>;
  stop(): Promise<void>;
}

async function startServerProcess(database: string): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/cli.ts', 'serve', '--port', '0'], {
    env: { ...process.env, PROVISION_LOCK_CONFIG: configFile, DATABASE_URL: `sqlite:${database}`, ADMIN_TOKEN, PORT: '' },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}`)));
  });
  const end = async (signal: NodeJS.Signals): Promise<void> => {
    child.kill(signal);
    await exited;
  };
  return { url, child, crash: () => end('SIGKILL'), stop: () => end('SIGTERM') };
}

describe('a server killed during sign-ups', () => {
  it('leaves every confirmed user complete and no user without a password', async () => {
    const database = join(folder, 'signups.db');
    const server = await startServerProcess(database);
    const confirmed: string[] = [];
    const attempts = Array.from({ length: 120 }, (_unused, index) => `user${index}@crash.example`).map(async (email) => {
      try {
        const response = await fetch(`${server.url}/api/signup`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, password: STRONG_PASSWORD }),
        });
        if (response.status === 201) confirmed.push(email);
      } catch {
        // The connection died with the server: this sign-up may or may not have been committed.
      }
    });
    while (confirmed.length < 10) await sleep(5);
    await server.crash();
    await Promise.all(attempts);
    assert.ok(confirmed.length < 120, `killed halfway (${confirmed.length} confirmed)`);

    const restarted = await startTestServer({ databaseFile: database });
    const users = await restarted.db.selectFrom('users').select(['id', 'email']).execute();
    const credentials = await restarted.db.selectFrom('credentials').select('user_id').execute();
    const withPassword = new Set(credentials.map((row) => row.user_id));
    assert.ok(users.every((user) => withPassword.has(user.id)), 'no user without their password');
    assert.equal(credentials.length, users.length, 'no password without its user');
    const stored = new Set(users.map((user) => user.email));
    assert.deepEqual(confirmed.filter((email) => !stored.has(email)), [], 'every confirmed sign-up survived');
    const { rows } = await sql<{ integrity_check: string }>`PRAGMA integrity_check`.execute(restarted.db);
    assert.deepEqual(rows, [{ integrity_check: 'ok' }], 'the database file is whole');
    assert.equal((await restarted.post('/api/login', { identifier: confirmed[0], password: STRONG_PASSWORD })).status, 200);
    await restarted.close();
  });
});

describe('a server killed during a bulk import', () => {
  it('resumes the job at the next start, at once, and imports every row exactly once', async () => {
    const database = join(folder, 'import.db');
    const total = 40_000;
    const file = Array.from({ length: total }, (_unused, index) => JSON.stringify({ email: `row${index}@import.example`, name: `Row ${index}` })).join('\n');

    const first = await startServerProcess(database);
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

    const second = await startServerProcess(database);
    // No waiting for a stale heartbeat: the new server sees that the old process is gone.
    let resumed = await job(second.url);
    for (let poll = 0; poll < 2000 && resumed.status !== 'completed'; poll += 1) {
      await sleep(10);
      resumed = await job(second.url);
    }
    assert.equal(resumed.status, 'completed');
    assert.deepEqual(resumed.summary, { inserted: total, updated: 0, failed: 0, total });
    await second.stop();

    const check = await startTestServer({ databaseFile: database });
    assert.equal(await rowCount(check, 'users'), total);
    assert.equal(await rowCount(check, 'job_errors'), 0);
    await check.close();
  });
});
