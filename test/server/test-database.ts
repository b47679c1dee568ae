/**
 * The database a test runs on. By default, SQLite: a file in a temporary folder of its own. With
 * `TEST_DATABASE_URL=postgres://…` (a role that may create databases), a fresh PostgreSQL
 * database on that server instead, one per call, dropped when the test file ends. The rest of
 * the suite only ever sees a `DATABASE_URL`, so the same tests run on both engines.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

import { sql, type Kysely } from 'kysely';

import { parseDatabaseUrl, type DatabaseEngine } from '../../src/server/store/dialect.js';
import type { Database } from '../../src/server/store/schema.js';
import { createPostgresDatabase, dropPostgresDatabases } from './postgres-test-server.js';

/** Where PostgreSQL tests create their databases; unset means SQLite only. */
export const POSTGRES_TEST_SERVER = process.env.TEST_DATABASE_URL || undefined;

if (POSTGRES_TEST_SERVER !== undefined && parseDatabaseUrl(POSTGRES_TEST_SERVER)?.engine !== 'postgres') {
  throw new Error('TEST_DATABASE_URL must be a postgres:// URL');
}

export const TEST_ENGINE: DatabaseEngine = POSTGRES_TEST_SERVER === undefined ? 'sqlite' : 'postgres';

export interface TestDatabase {
  /** Its `DATABASE_URL`. */
  url: string;
  /** The SQLite file; undefined on PostgreSQL. */
  file: string | undefined;
}

/**
 * Names made by this run start with this prefix, so that one run's databases are told apart from
 * another's on a shared server (the runner sets it and drops whatever a crashed file left).
 */
const TEST_DATABASE_PREFIX = process.env.PROVISION_LOCK_TEST_DATABASE_PREFIX || 'provision_lock_test';

const testFolders: string[] = [];
const postgresDatabases: string[] = [];
let created = 0;

/** A database nobody has used yet. */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (POSTGRES_TEST_SERVER === undefined) {
    const file = join(createTestFolder(), 'test.db');
    return { url: `sqlite:${file}`, file };
  }
  created += 1;
  const name = `${TEST_DATABASE_PREFIX}_${process.pid}_${created}`;
  const url = await createPostgresDatabase(POSTGRES_TEST_SERVER, name);
  postgresDatabases.push(name);
  return { url, file: undefined };
}

/** A temporary folder, removed with the SQLite databases. */
export function createTestFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'provision-lock-test-'));
  testFolders.push(folder);
  return folder;
}

/** Removes the temporary folders made so far, SQLite databases and all (nobody may need them any more). */
export function removeTestFolders(): void {
  for (const folder of testFolders.splice(0)) rmSync(folder, { recursive: true, force: true });
}

// When the test file ends: its databases go, whatever its tests forgot to close.
after(async () => {
  removeTestFolders();
  if (POSTGRES_TEST_SERVER !== undefined) await dropPostgresDatabases(POSTGRES_TEST_SERVER, postgresDatabases.splice(0));
});

/**
 * What the engine itself finds wrong with the database. SQLite checks its file and its foreign
 * keys on request; PostgreSQL enforces foreign keys on every write and has no such report, so
 * there is nothing to ask it.
 */
export async function databaseIntegrityProblems(db: Kysely<Database>): Promise<unknown[]> {
  if (TEST_ENGINE === 'postgres') return [];
  const integrity = await sql<{ integrity_check: string }>`PRAGMA integrity_check`.execute(db);
  const foreignKeys = await sql<Record<string, unknown>>`PRAGMA foreign_key_check`.execute(db);
  return [...integrity.rows.filter((row) => row.integrity_check !== 'ok'), ...foreignKeys.rows];
}
