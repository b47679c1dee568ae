/**
 * `provision-lock import` and `export` as an operator runs them, and an import that survives its
 * process being killed halfway: real processes, a real database (SQLite, or PostgreSQL when
 * `TEST_DATABASE_URL` is set).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';

import bcryptjs from 'bcryptjs';

import { progressReporter } from '../../src/server/commands.js';
import type { ImportRunProgress } from '../../src/server/services/jobs.js';
import { openDatabase } from '../../src/server/store/database.js';
import { createTestDatabase, manualClock, removeTestFolders, rowCount, startTestServer, type TestDatabase } from './helpers.js';

const CLI = ['--import', 'tsx', 'src/server/cli.ts'];
const folder = mkdtempSync(join(tmpdir(), 'provision-lock-import-cli-'));
after(() => {
  rmSync(folder, { recursive: true, force: true });
  removeTestFolders();
});

const configFile = join(folder, 'config.json');
writeFileSync(configFile, JSON.stringify({ imports: { directory: join(folder, 'jobs') } }));

function environment(database: TestDatabase): NodeJS.ProcessEnv {
  return { ...process.env, PROVISION_LOCK_CONFIG: configFile, DATABASE_URL: database.url };
}

function run(args: string[], database: TestDatabase) {
  return spawnSync(process.execPath, [...CLI, ...args], { encoding: 'utf8', env: environment(database) });
}

describe('provision-lock import and export', () => {
  it('imports a file, prints the summary and the bad rows, writes the error report, and exits 1 when rows failed', async () => {
    const database = await createTestDatabase();
    const file = join(folder, 'users.json');
    writeFileSync(
      file,
      JSON.stringify([
        { email: 'ada@cli.example', password_hash: bcryptjs.hashSync('Analytical-Engine-1', 4) },
        { email: 'grace@cli.example', name: 'Grace' },
        { email: 'broken', name: 'Broken' },
      ]),
    );
    const first = run(['import', file], database);
    assert.equal(first.status, 1, first.stderr);
    assert.match(first.stderr, /Import job_\w+ completed: 2 inserted, 0 updated, 1 failed, 3 rows\./);
    assert.match(first.stderr, /broken: \[\{"code":"FORMAT"/);
    const report = JSON.parse(readFileSync(`${file}.errors.json`, 'utf8')) as { user: { email: string } }[];
    assert.deepEqual(report.map((entry) => entry.user.email), ['broken']);

    const good = join(folder, 'good.json');
    writeFileSync(good, JSON.stringify([{ email: 'grace@cli.example', name: 'Grace Hopper' }]));
    const upsert = run(['import', good, '--upsert'], database);
    assert.equal(upsert.status, 0, upsert.stderr);
    assert.match(upsert.stderr, /0 inserted, 1 updated, 0 failed, 1 rows/);

    const ndjson = join(folder, 'export.ndjson');
    const exported = run(['export', '--output', ndjson, '--include-password-hashes'], database);
    assert.equal(exported.status, 0, exported.stderr);
    assert.match(exported.stderr, /Exported 2 users/);
    const rows = readFileSync(ndjson, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .sort((a, b) => String(a.email).localeCompare(String(b.email)));
    assert.equal(rows[0]?.email, 'ada@cli.example');
    assert.match(String(rows[0]?.password_hash), /^\$2[aby]\$04\$/);
    assert.equal(rows[1]?.name, 'Grace Hopper');

    // The export imports as it is, NDJSON and all, into another database.
    const copy = run(['import', ndjson], await createTestDatabase());
    assert.equal(copy.status, 0, copy.stderr);
    assert.match(copy.stderr, /2 inserted, 0 updated, 0 failed, 2 rows/);

    const csv = join(folder, 'export.csv');
    const spreadsheet = run(['export', '--output', csv, '--format', 'csv', '--fields', 'email,name'], database);
    assert.equal(spreadsheet.status, 0, spreadsheet.stderr);
    assert.deepEqual(readFileSync(csv, 'utf8').split('\r\n').sort(), ['', 'ada@cli.example,', 'email,name', 'grace@cli.example,Grace Hopper']);
  });

  it('refuses a missing file with a message, not a stack trace', async () => {
    const result = run(['import', join(folder, 'nowhere.json')], await createTestDatabase());
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /nowhere\.json/);
    assert.doesNotMatch(result.stderr, /at .*\.ts:\d+/);
  });
});

describe('import progress', () => {
  const progress = (rowsDone: number, bytesRead: number): ImportRunProgress => ({
    jobId: 'job_x',
    rowsDone,
    inserted: rowsDone,
    updated: 0,
    failed: 0,
    bytesRead,
    fileBytes: 1000,
  });

  function stream(isTTY: boolean): NodeJS.WriteStream & { text: string } {
    const target = { isTTY, text: '', write: (chunk: string) => ((target.text += chunk), true) };
    return target as unknown as NodeJS.WriteStream & { text: string };
  }

  it('redraws a bar with users/s and the time left on a terminal', () => {
    const clock = manualClock(0);
    const terminal = stream(true);
    const report = progressReporter(terminal, clock);
    clock.advance(2000);
    report(progress(5000, 250));
    assert.equal(terminal.text, '\r[########----------------------]  25%  5,000 users, 2,500 users/s, ETA 0:00:06\u001b[K');
  });

  it('prints a plain line every five seconds elsewhere', () => {
    const clock = manualClock(0);
    const log = stream(false);
    const report = progressReporter(log, clock);
    clock.advance(1000);
    report(progress(500, 100));
    assert.equal(log.text, '', 'not yet');
    clock.advance(4000);
    report(progress(2500, 500));
    assert.equal(log.text, 'imported 50%: 2,500 users, 500 users/s, ETA 0:00:05\n');
  });
});

describe('an import whose process dies', () => {
  it('resumes where its last batch ended when a server picks it up, and no user is half written or doubled', async () => {
    const database = await createTestDatabase();
    const file = join(folder, 'many.ndjson');
    const total = 60_000;
    const lines: string[] = [];
    for (let index = 0; index < total; index += 1) {
      lines.push(JSON.stringify({ email: `user${index}@crash.example`, name: `User ${index}`, user_metadata: { index } }));
    }
    writeFileSync(file, `${lines.join('\n')}\n`);

    const child = spawn(process.execPath, [...CLI, 'import', file], { env: environment(database), stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    let rowsDone = 0;
    // A SQLite file is opened only once the command has made it, so that the reader never
    // creates it first.
    while (database.file !== undefined && !existsSync(database.file)) await sleep(5);
    const reader = openDatabase(database.url);
    for (let attempt = 0; attempt < 6000 && rowsDone === 0; attempt += 1) {
      await sleep(5);
      try {
        const row = await reader.selectFrom('jobs').select('rows_done').executeTakeFirst();
        rowsDone = row?.rows_done ?? 0;
      } catch {
        // The tables are not there yet.
      }
    }
    child.kill('SIGKILL');
    await exited;
    await reader.destroy();
    assert.ok(rowsDone > 0, 'the import got going');

    const server = await startTestServer({ databaseUrl: database.url, clock: manualClock(Date.now()) });
    const [crashed] = await server.db.selectFrom('jobs').selectAll().execute();
    assert.ok(crashed);
    assert.equal(crashed.status, 'processing', 'the job was left running');
    assert.ok(crashed.rows_done < total, `killed halfway (${crashed.rows_done} of ${total})`);
    assert.equal(await rowCount(server, 'users'), crashed.rows_done, 'exactly the committed batches are in');

    assert.equal(await server.services.jobs.runNext(), false, 'a job whose process may still be alive is left alone');
    server.clock.advance(31_000);
    assert.equal(await server.services.jobs.runNext(), true, 'a job gone quiet is taken over');

    const [finished] = await server.db.selectFrom('jobs').selectAll().execute();
    assert.equal(finished?.status, 'completed');
    assert.deepEqual([finished.inserted, finished.updated, finished.failed, finished.total], [total, 0, 0, total]);
    assert.equal(await rowCount(server, 'users'), total);
    assert.equal(await rowCount(server, 'job_errors'), 0, 'no row was taken for a duplicate of itself');
    const last = await server.db.selectFrom('users').select(['name', 'user_metadata']).where('email', '=', `user${total - 1}@crash.example`).executeTakeFirst();
    assert.deepEqual(last, { name: `User ${total - 1}`, user_metadata: JSON.stringify({ index: total - 1 }) });
    await server.close();
  });
});
