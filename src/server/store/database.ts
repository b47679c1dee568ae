/**
 * Opens the database named by `DATABASE_URL` (see `dialect.ts` for the engines) and applies the
 * migrations. Nothing here depends on the engine.
 */
import { Kysely, Migrator, type MigrationResultSet } from 'kysely';

import { createEngineSetup, type DialectOptions } from './dialect.js';
import { MIGRATIONS } from './migrations/index.js';
import type { Database } from './schema.js';

export interface DatabaseOptions extends DialectOptions {
  /** Hears the SQL text of every query run (the tests check with it that the texts stay fixed). */
  onQuery?: (sql: string) => void;
}

export function openDatabase(databaseUrl: string, options: DatabaseOptions = {}): Kysely<Database> {
  const { onQuery, ...dialectOptions } = options;
  const { dialect } = createEngineSetup(databaseUrl, dialectOptions);
  return new Kysely<Database>(onQuery ? { dialect, log: (event) => onQuery(event.query.sql) } : { dialect });
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
