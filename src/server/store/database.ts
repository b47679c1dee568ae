/**
 * Opens the database named by `DATABASE_URL`. SQLite (better-sqlite3) in WAL mode is the embedded
 * default; this file and `errors.ts` are the only places that know which engine is underneath.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type MigrationResultSet } from 'kysely';

import { MIGRATIONS } from './migrations/index.js';
import type { Database } from './schema.js';

const SQLITE_PREFIX = 'sqlite:';
const IN_MEMORY = ':memory:';

export function openDatabase(databaseUrl: string): Kysely<Database> {
  if (!databaseUrl.startsWith(SQLITE_PREFIX)) {
    throw new Error(`Unsupported DATABASE_URL "${databaseUrl.split(':')[0]}:…": use sqlite:PATH or sqlite::memory:`);
  }
  const location = databaseUrl.slice(SQLITE_PREFIX.length);
  if (location !== IN_MEMORY) mkdirSync(dirname(resolve(location)), { recursive: true });

  const sqlite = new SqliteDatabase(location);
  // WAL lets readers run beside the writer; NORMAL sync is durable against a killed process (the
  // WAL survives it), which is the failure this server has to survive, at a fraction of FULL's cost.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');

  return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
}

/** Applies every pending migration in order; throws if one fails (it rolls back on its own). */
export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationResultSet> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(MIGRATIONS) },
  });
  const result = await migrator.migrateToLatest();
  if (result.error !== undefined) {
    const failed = result.results?.find((migration) => migration.status === 'Error');
    const cause = result.error instanceof Error ? result.error.message : JSON.stringify(result.error);
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${cause}`, { cause: result.error });
  }
  return result;
}
