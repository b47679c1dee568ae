/**
 * The `provision-lock` command as a user runs it: a real process, a real port, a real file.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import { startServerProcess } from './server-process.js';
import { createTestDatabase } from './test-database.js';

const CLI = ['--import', 'tsx', 'src/server/cli.ts'];
const folder = mkdtempSync(join(tmpdir(), 'provision-lock-cli-'));
after(() => rmSync(folder, { recursive: true, force: true }));

function run(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [...CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, PROVISION_LOCK_CONFIG: '', ...env },
  });
}

describe('provision-lock command', () => {
  it('prints help', () => {
    const result = run(['--help']);
    assert.equal(result.status, 0);
    assert.match(result.stdout, /provision-lock serve \[--config FILE\]/);
    assert.match(result.stdout, /db migrate/);
  });

  it('refuses an unknown command with usage and exit code 2', () => {
    const result = run(['fly']);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /Unknown command "fly"/);
  });

  it('db migrate creates the SQLite file and its folder', () => {
    const database = join(folder, 'nested', 'migrate.db');
    const result = run(['db', 'migrate'], { DATABASE_URL: `sqlite:${database}` });
    assert.equal(result.status, 0, result.stderr);
    assert.ok(existsSync(database));
  });

  it('db migrate applies the migrations once', async () => {
    const { url } = await createTestDatabase();
    const first = run(['db', 'migrate'], { DATABASE_URL: url });
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /Applied: 0001-users-sessions-counters/);
    const second = run(['db', 'migrate'], { DATABASE_URL: url });
    assert.match(second.stdout, /up to date/);
  });

  it('stops at start-up on an invalid configuration, naming the key', () => {
    const config = join(folder, 'bad.json');
    writeFileSync(config, JSON.stringify({ password: { strength: 'legendary' } }));
    const result = run(['serve', '--config', config]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /Invalid configuration in .*bad\.json/);
    assert.match(result.stderr, /password\.strength: /);
    assert.doesNotMatch(result.stderr, /at .*\.ts:\d+/, 'a message, not a stack trace');
  });

  it('serve answers on the port it prints, with its database made on first run', async () => {
    const database = await createTestDatabase();
    const server = await startServerProcess({ DATABASE_URL: database.url });
    try {
      const { url } = server;
      if (database.file !== undefined) assert.ok(existsSync(database.file));
      const config = await fetch(`${url}/api/config`);
      assert.equal(config.status, 200);
      const signup = await fetch(`${url}/api/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'cli@example.com', password: 'Correct-Horse-Battery-9' }),
      });
      assert.equal(signup.status, 201);
      assert.match(signup.headers.get('set-cookie') ?? '', /provision_lock_session=/);
    } finally {
      await server.stop();
    }
  });
});
