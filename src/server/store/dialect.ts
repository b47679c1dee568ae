/**
 * The one place that knows which engine is underneath. SQLite (better-sqlite3, embedded, one file)
 * is the default; PostgreSQL (node-postgres) is for several servers on one shared database.
 * Everything that differs lives here: which engine a `DATABASE_URL` names, how a connection is
 * opened and tuned, how numbers come back, how each engine reports a broken unique constraint,
 * and what row locks become where there are none. Repositories write one SQL for both: Kysely's
 * builders, `onConflict` upserts, `returning`, integers for booleans and instants, text for JSON.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

import SqliteDatabase from 'better-sqlite3';
import {
  PostgresDialect,
  PostgresQueryCompiler,
  SqliteDialect,
  SqliteQueryCompiler,
  type Dialect,
  type QueryCompiler,
  type SelectModifierNode,
  type SelectQueryNode,
  type SqliteDatabase as SqliteDatabaseLike,
  type SqliteStatement as SqliteStatementLike,
} from 'kysely';
import type pg from 'pg';

export type DatabaseEngine = 'sqlite' | 'postgres';

export type DatabaseLocation =
  | { engine: 'sqlite'; /** A file path, or `:memory:`. */ file: string }
  | { engine: 'postgres'; /** The connection string as given, credentials included. */ url: string };

const SQLITE_PREFIX = 'sqlite:';
const SQLITE_IN_MEMORY = ':memory:';
const POSTGRES_PREFIXES = ['postgres://', 'postgresql://'];

/** The forms `DATABASE_URL` accepts, for messages. */
export const DATABASE_URL_FORMS = '"sqlite:PATH", "sqlite::memory:" or "postgres://USER:PASSWORD@HOST:PORT/DATABASE"';

/** Which engine and where; undefined when the URL names neither engine. */
export function parseDatabaseUrl(databaseUrl: string): DatabaseLocation | undefined {
  if (databaseUrl.startsWith(SQLITE_PREFIX) && databaseUrl.length > SQLITE_PREFIX.length) {
    return { engine: 'sqlite', file: databaseUrl.slice(SQLITE_PREFIX.length) };
  }
  if (POSTGRES_PREFIXES.some((prefix) => databaseUrl.startsWith(prefix))) return { engine: 'postgres', url: databaseUrl };
  return undefined;
}

/** The SQLite file of a `sqlite:` URL, or undefined for PostgreSQL and in-memory databases. */
export function sqliteFileOf(databaseUrl: string): string | undefined {
  const location = parseDatabaseUrl(databaseUrl);
  return location?.engine === 'sqlite' && location.file !== SQLITE_IN_MEMORY ? location.file : undefined;
}

export interface DialectOptions {
  /** Told when an idle PostgreSQL connection breaks (a database restart); the pool replaces it. */
  onConnectionError?: (error: Error) => void;
  /** Most PostgreSQL connections this process holds at once. */
  poolSize?: number;
}

export interface EngineSetup {
  engine: DatabaseEngine;
  dialect: Dialect;
}

export const DEFAULT_POOL_SIZE = 10;

/** The Kysely dialect for a `DATABASE_URL`. */
export function createEngineSetup(databaseUrl: string, options: DialectOptions = {}): EngineSetup {
  const location = parseDatabaseUrl(databaseUrl);
  if (!location) {
    // Only the scheme: the rest of a connection string may hold a password.
    throw new Error(`Unsupported DATABASE_URL "${databaseUrl.split(':')[0] ?? ''}:…": use ${DATABASE_URL_FORMS}`);
  }
  return location.engine === 'sqlite' ? sqliteSetup(location.file) : postgresSetup(location.url, options);
}

function sqliteSetup(file: string): EngineSetup {
  if (file !== SQLITE_IN_MEMORY) mkdirSync(dirname(resolve(file)), { recursive: true });
  const sqlite = new SqliteDatabase(file);
  // WAL lets readers run beside the writer; NORMAL sync is durable against a killed process (the
  // WAL survives it), which is the failure this server has to survive, at a fraction of FULL's cost.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  return {
    engine: 'sqlite',
    dialect: new SqliteEngineDialect({ database: new StatementCache(sqlite) }),
  };
}

/** Distinct SQL texts kept prepared: every query the server writes, with room for batch shapes. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely's SQLite driver prepares every query anew, and preparing (parsing and planning the SQL)
 * costs SQLite more than running the small indexed queries a request makes. The server's queries
 * come from a fixed set of builders, so their SQL texts repeat: keep the prepared statements,
 * least recently used out first. A statement cannot run while it is being iterated, so streams
 * (the export) get a fresh statement of their own.
 */
export class StatementCache implements SqliteDatabaseLike {
  private readonly statements = new Map<string, CachedStatement>();

  constructor(
    private readonly database: PreparingDatabase,
    private readonly capacity = STATEMENT_CACHE_SIZE,
  ) {}

  get size(): number {
    return this.statements.size;
  }

  prepare(sql: string): SqliteStatementLike {
    const statement = this.statements.get(sql);
    if (statement) {
      // Re-inserting moves it to the end: the Map's order is the recency order.
      this.statements.delete(sql);
      this.statements.set(sql, statement);
      return statement;
    }
    const prepared = new CachedStatement(this.database, sql);
    this.statements.set(sql, prepared);
    if (this.statements.size > this.capacity) {
      const oldest = this.statements.keys().next().value;
      if (oldest !== undefined) this.statements.delete(oldest);
    }
    return prepared;
  }

  close(): void {
    this.statements.clear();
    this.database.close();
  }
}

interface PreparingDatabase {
  prepare(sql: string): SqliteDatabase.Statement;
  close(): unknown;
}

class CachedStatement implements SqliteStatementLike {
  private readonly statement: SqliteDatabase.Statement;

  constructor(
    private readonly database: PreparingDatabase,
    private readonly sql: string,
  ) {
    this.statement = database.prepare(sql);
  }

  get reader(): boolean {
    return this.statement.reader;
  }

  all(parameters: readonly unknown[]): unknown[] {
    return this.statement.all(parameters);
  }

  run(parameters: readonly unknown[]): SqliteDatabase.RunResult {
    return this.statement.run(parameters);
  }

  iterate(parameters: readonly unknown[]): IterableIterator<unknown> {
    return this.database.prepare(this.sql).iterate(parameters);
  }
}

/**
 * int8 (`bigint` columns: epoch milliseconds; `count(*)`) arrives from node-postgres as text, lest
 * a value beyond 2^53 lose digits. Ours are milliseconds and row counts, far below that, and the
 * code compares them as numbers, as SQLite returns them: parse them to numbers.
 */
function int8AsNumber(types: typeof pg.types): pg.CustomTypesConfig {
  return {
    getTypeParser: (...[id, format]: Parameters<pg.CustomTypesConfig['getTypeParser']>): unknown =>
      id === types.builtins.INT8 && format !== 'binary' ? Number : types.getTypeParser(id, format),
  };
}

function postgresSetup(connectionString: string, options: DialectOptions): EngineSetup {
  // node-postgres is loaded when the first query needs a connection, not at start: a server or
  // command on SQLite (the default) never loads it, nor holds its memory.
  const createPool = async (): Promise<pg.Pool> => {
    const { default: postgres } = await import('pg');
    const pool = new postgres.Pool({
      connectionString,
      max: options.poolSize ?? DEFAULT_POOL_SIZE,
      types: int8AsNumber(postgres.types),
      application_name: 'provision-lock',
      // Command-line runs and tests end when their work does; a serving process is kept alive by
      // its listening socket anyway.
      allowExitOnIdle: true,
    });
    // Without a listener, a broken idle connection (the database restarted, an administrator ended
    // it) would be an unhandled 'error' event and end the process; the pool drops it and reconnects.
    pool.on('error', (error) => options.onConnectionError?.(error));
    return pool;
  };
  return { engine: 'postgres', dialect: new PostgresEngineDialect({ pool: createPool }) };
}

/** Recognises a unique-constraint violation from either engine. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  const { code } = error;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === POSTGRES_UNIQUE_VIOLATION;
}

const POSTGRES_UNIQUE_VIOLATION = '23505';

const ROW_LOCKS: ReadonlySet<SelectModifierNode['modifier']> = new Set([
  'ForUpdate',
  'ForNoKeyUpdate',
  'ForShare',
  'ForKeyShare',
  'NoWait',
  'SkipLocked',
]);

/** Text with U+0000 in it reached the database; the message is fit for the client. */
export class UnstorableTextError extends Error {
  override name = 'UnstorableTextError';
}

const NUL = '\u0000';

/**
 * PostgreSQL cannot hold U+0000 in text (it fails the whole statement); SQLite can. No identity
 * data has a use for it, so on both engines a query with such a value is refused while it is
 * compiled, before it runs, with an error the HTTP layer answers as a bad request: the engines
 * agree, and nothing that a client sends can turn into a database failure. (JSON columns are
 * unaffected: JSON text spells the character as an escape.)
 */
export function assertStorable(value: unknown): void {
  if (typeof value === 'string' && value.includes(NUL)) {
    throw new UnstorableTextError('Text containing the NUL character (U+0000) cannot be stored or looked up.');
  }
}

/**
 * Every value of a query passes through `appendValue` (a parameter) or `appendImmediateValue` (a
 * literal) while it is compiled, so that is where the check costs nothing extra: a plugin doing
 * the same would walk every query's tree once more.
 */
class PostgresCompiler extends PostgresQueryCompiler {
  protected override appendValue(parameter: unknown): void {
    assertStorable(parameter);
    super.appendValue(parameter);
  }

  protected override appendImmediateValue(value: unknown): void {
    assertStorable(value);
    super.appendImmediateValue(value);
  }
}

/**
 * Repositories lock the rows they read to change (`forUpdate()`, `skipLocked()` for job claims),
 * which PostgreSQL needs when several connections write at once. SQLite has no row locks and
 * needs none: a write transaction holds the whole database, and this process's connection runs
 * one transaction at a time. So the SQLite compiler leaves the lock clauses out.
 */
class SqliteCompiler extends SqliteQueryCompiler {
  protected override visitSelectQuery(node: SelectQueryNode): void {
    const endModifiers = node.endModifiers?.filter((modifier) => !ROW_LOCKS.has(modifier.modifier));
    super.visitSelectQuery(
      endModifiers?.length === node.endModifiers?.length ? node : { ...node, endModifiers: endModifiers?.length ? endModifiers : undefined },
    );
  }

  protected override appendValue(parameter: unknown): void {
    assertStorable(parameter);
    super.appendValue(parameter);
  }

  protected override appendImmediateValue(value: unknown): void {
    assertStorable(value);
    super.appendImmediateValue(value);
  }
}

class SqliteEngineDialect extends SqliteDialect {
  override createQueryCompiler(): QueryCompiler {
    return new SqliteCompiler();
  }
}

class PostgresEngineDialect extends PostgresDialect {
  override createQueryCompiler(): QueryCompiler {
    return new PostgresCompiler();
  }
}
