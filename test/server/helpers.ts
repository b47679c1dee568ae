/**
 * Test helpers: a real app on a real database (a SQLite file in a temporary folder, or a fresh
 * PostgreSQL database when `TEST_DATABASE_URL` is set: see `test-database.ts`), a clock the test
 * moves, and small readers for JSON bodies and Set-Cookie headers.
 */
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import type { Kysely } from 'kysely';

import { createApp } from '../../src/server/app.js';
import { silentLogger, type Logger } from '../../src/server/logger.js';
import { createServices, type Services } from '../../src/server/services/index.js';
import { resolveConfig, type ConfigFile, type ServerConfig } from '../../src/server/config.js';
import type { AppEnv } from '../../src/server/env.js';
import { migrateToLatest, openDatabase } from '../../src/server/store/database.js';
import type { Database } from '../../src/server/store/schema.js';
import { createTestDatabase, createTestFolder, TEST_ENGINE } from './test-database.js';

export {
  createTestDatabase,
  createTestFolder,
  databaseIntegrityProblems,
  removeTestFolders,
  TEST_ENGINE,
  type TestDatabase,
} from './test-database.js';

export const STRONG_PASSWORD = 'Correct-Horse-Battery-9';

export interface ManualClock {
  (): number;
  advance(milliseconds: number): void;
}

export function manualClock(start = Date.parse('2026-11-22T10:00:00Z')): ManualClock {
  let now = start;
  const clock = (() => now) as ManualClock;
  clock.advance = (milliseconds) => {
    now += milliseconds;
  };
  return clock;
}

export interface TestServer {
  app: Hono<AppEnv>;
  db: Kysely<Database>;
  services: Services;
  config: ServerConfig;
  clock: ManualClock;
  /** The `DATABASE_URL` this server runs on. */
  databaseUrl: string;
  /** Sends a request as a client at `ip` (default 203.0.113.10). */
  request(path: string, init?: RequestInit & { ip?: string }): Promise<Response>;
  /** POSTs a JSON body. */
  post(path: string, body: unknown, init?: RequestInit & { ip?: string }): Promise<Response>;
  /** Opens the same database again, as a restarted server would. */
  restart(): Promise<TestServer>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  config?: ConfigFile;
  env?: Record<string, string>;
  clock?: ManualClock;
  /** A database to open (another server's, or one made by `createTestDatabase`); a new one otherwise. */
  databaseUrl?: string;
  logger?: Logger;
  /** Hears the SQL text of every query the server runs, migrations included. */
  onQuery?: (sql: string) => void;
}

/** The test client's address travels in this header; only these tests' resolver reads it. */
const TEST_IP_HEADER = 'x-test-client-ip';

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const databaseUrl = options.databaseUrl ?? (await createTestDatabase()).url;
  const resolved = resolveConfig(options.config ?? {}, { DATABASE_URL: databaseUrl, ...options.env });
  // On PostgreSQL the default job folder is ./data/jobs in the working directory: tests keep
  // theirs in a temporary folder, as they do beside a SQLite file.
  const config =
    TEST_ENGINE === 'postgres' && options.config?.imports?.directory === undefined
      ? { ...resolved, imports: { ...resolved.imports, directory: join(createTestFolder(), 'jobs') } }
      : resolved;
  const db = openDatabase(config.databaseUrl, { onQuery: options.onQuery });
  await migrateToLatest(db);
  const clock = options.clock ?? manualClock();
  const logger = options.logger ?? silentLogger;
  const services = createServices(db, config, clock, logger);
  const app = createApp({ config, db, clock, logger, services, clientIp: (c) => c.req.header(TEST_IP_HEADER) });

  const request = (path: string, init: RequestInit & { ip?: string } = {}): Promise<Response> => {
    const { ip = '203.0.113.10', ...rest } = init;
    const headers = new Headers(rest.headers);
    headers.set(TEST_IP_HEADER, ip);
    return Promise.resolve(app.request(path, { ...rest, headers }));
  };
  const server: TestServer = {
    app,
    db,
    services,
    config,
    clock,
    databaseUrl,
    request,
    post: (path, body, init = {}) => {
      const headers = new Headers(init.headers);
      if (!headers.has('content-type')) headers.set('content-type', 'application/json');
      return request(path, { ...init, method: 'POST', headers, body: JSON.stringify(body) });
    },
    restart: async () => {
      await db.destroy();
      const imports = { ...options.config?.imports, directory: config.imports.directory };
      return startTestServer({ ...options, config: { ...options.config, imports }, clock, databaseUrl });
    },
    close: () => db.destroy(),
  };
  return server;
}

/** A test server's app listening on a loopback socket. */
export interface LoopbackListener {
  /** Where it listens, such as `http://127.0.0.1:41234`. */
  origin: string;
  close(): Promise<void>;
}

/** Serves the app over a real socket, as @hono/node-server serves it in production (`app.request()` skips Node). */
export async function listenOnLoopback(server: TestServer): Promise<LoopbackListener> {
  const listener = serve({ fetch: server.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => listener.once('listening', resolve));
  return {
    origin: `http://127.0.0.1:${(listener.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => listener.close(() => resolve())),
  };
}

/** How many rows a table holds right now. */
export async function rowCount(server: TestServer, table: keyof Database): Promise<number> {
  const row = await server.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** A logger that keeps every line, to check what reaches the log (and what must not). */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const record = (level: string) => (message: string, fields: Readonly<Record<string, unknown>> = {}) => {
    lines.push(`${level} ${message} ${JSON.stringify(fields)}`);
  };
  return { lines, info: record('info'), warn: record('warn'), error: record('error') };
}



export interface ParsedCookie {
  name: string;
  value: string;
  attributes: Map<string, string | true>;
}

export function setCookies(response: Response): ParsedCookie[] {
  return response.headers.getSetCookie().map((header) => {
    const [pair = '', ...attributeParts] = header.split(';');
    const separator = pair.indexOf('=');
    const attributes = new Map<string, string | true>();
    for (const part of attributeParts) {
      const [key = '', ...value] = part.trim().split('=');
      attributes.set(key.toLowerCase(), value.length ? value.join('=') : true);
    }
    return { name: pair.slice(0, separator).trim(), value: pair.slice(separator + 1).trim(), attributes };
  });
}

/** The `Cookie` header a browser would send back after this response. */
export function cookieHeaderFrom(response: Response): string {
  return setCookies(response)
    .filter((cookie) => cookie.value !== '')
    .map((cookie) => `${cookie.name}=${cookie.value}`)
    .join('; ');
}

export interface ErrorBody {
  error: { code: string; message: string; [detail: string]: unknown };
}

export async function errorOf(response: Response): Promise<ErrorBody['error']> {
  const body = (await response.json()) as ErrorBody;
  return body.error;
}
