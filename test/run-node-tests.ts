/**
 * Runs the Node test files (`*.test.ts` under the given folders, by default test/shared and
 * test/server) with Node's own test runner, TypeScript loaded through tsx. Node 20's runner cannot
 * glob .ts files itself, hence this list.
 *
 * The server tests run on SQLite here, whatever the environment says. With `--postgres` they run
 * on PostgreSQL instead: each test server on a fresh database of the server `TEST_DATABASE_URL`
 * names (see test/server/test-database.ts), and whatever a crashed test file left behind is
 * dropped at the end. Without `TEST_DATABASE_URL`, `--postgres` says that it skipped and succeeds.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { dropPostgresDatabases, postgresDatabasesNamed } from './server/postgres-test-server.js';

function testFiles(folder: string): string[] {
  if (statSync(folder).isFile()) return [folder];
  return readdirSync(folder, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) return testFiles(path);
      return entry.name.endsWith('.test.ts') ? [path] : [];
    })
    .sort();
}

const POSTGRES_FLAG = '--postgres';
const args = process.argv.slice(2);
const onPostgres = args.includes(POSTGRES_FLAG);
const named = args.filter((arg) => arg !== POSTGRES_FLAG);
const folders = named.length > 0 ? named : onPostgres ? ['test/server'] : ['test/shared', 'test/server'];

const postgresServer = process.env.TEST_DATABASE_URL || undefined;
if (onPostgres && postgresServer === undefined) {
  process.stdout.write(
    'PostgreSQL server tests skipped: set TEST_DATABASE_URL=postgres://USER@HOST:PORT/postgres (a role that may create databases) to run them, or run .ci/with-postgres npm test.\n',
  );
  process.exit(0);
}

const files = folders.flatMap(testFiles);
if (files.length === 0) {
  process.stderr.write(`No test files under ${folders.join(', ')}\n`);
  process.exit(1);
}

const env: NodeJS.ProcessEnv = { ...process.env };
// Database names of this run share a prefix, so that the run can find and drop its leftovers.
const databasePrefix = `provision_lock_test_${Date.now().toString(36)}_${process.pid}`;
if (onPostgres) {
  env.PROVISION_LOCK_TEST_DATABASE_PREFIX = databasePrefix;
  process.stdout.write(`Server tests on PostgreSQL (${new URL(postgresServer ?? '').host}), databases ${databasePrefix}_*\n`);
} else {
  delete env.TEST_DATABASE_URL;
}

const { status } = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], { stdio: 'inherit', env });

if (postgresServer !== undefined && onPostgres) {
  // Each test file drops its own databases when it ends; a file that was killed could not.
  await dropPostgresDatabases(postgresServer, await postgresDatabasesNamed(postgresServer, databasePrefix));
}
process.exit(status ?? 1);
