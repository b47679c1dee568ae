/**
 * The least the server's endpoints can be over HTTP on this machine, as references for its own
 * figures: a bare Hono app on @hono/node-server over a bare SQLite file, with none of the server's
 * middleware (validation, client address, request log, CORS, origin checks, brute-force
 * bookkeeping, login counts, Kysely), serving
 *
 * - `POST /api/login`: reads the JSON body, finds the user with one prepared SELECT, verifies the
 *   password with the server's own argon2id function, stores a session (its token hashed as the
 *   server hashes it)
 *   with one prepared INSERT, and answers with the cookie and the user's id;
 * - `GET /api/session`: reads the cookie, finds the session and its user (the columns the server's
 *   answer shows) with one prepared SELECT by the token's SHA-256, checks its end and the user's
 *   block, and answers with the user as the server does;
 * - `GET /api/config`: the server's own public configuration as JSON.
 *
 * The two reads carry the server's security headers (an API answer without them is not one this
 * project would ship); the login answers as bare as it can. What the reference server adds to each
 * is what its own code costs beyond the work the request cannot skip.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';

import type { PublicConfig } from '../src/shared/api.js';
import { setApiResponseHeaders } from '../src/server/middleware/security.js';
import { verifyPassword } from '../src/server/services/passwords.js';
import { hashSessionToken } from '../src/server/services/sessions.js';
import { openBareSqlite } from './bare-sqlite.js';

export interface BareServer {
  url: string;
  /** A `Cookie` header value with a live session of the first user, for `GET /api/session`. */
  sessionCookie: string;
  close: () => Promise<void>;
}

interface BareUser {
  id: string;
  password_hash: string;
}

interface BareSessionUser {
  id: string;
  email: string;
  email_verified: number;
  created_at: string;
  updated_at: string;
  last_login: string | null;
  logins_count: number;
  blocked: number;
  expires_at: number;
}

const SESSION_COOKIE = 'session';
const DAY_MS = 86_400_000;

/** Serves the three endpoints for `emails`, each user with the argon2id hash `passwordHash`. */
export async function startBareServer(emails: readonly string[], passwordHash: string, config: PublicConfig): Promise<BareServer> {
  const folder = mkdtempSync(join(tmpdir(), 'provision-lock-bare-server-'));
  const sqlite = openBareSqlite(join(folder, 'bare.db'));
  sqlite.exec(`
    CREATE TABLE users (
      id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL, email_verified INTEGER NOT NULL,
      created_at TEXT NOT NULL, updated_at TEXT NOT NULL, last_login TEXT, logins_count INTEGER NOT NULL, blocked INTEGER NOT NULL
    );
    CREATE TABLE sessions (id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users (id), expires_at INTEGER NOT NULL);
  `);
  const now = new Date().toISOString();
  const insertUser = sqlite.prepare(
    'INSERT INTO users (id, email, password_hash, email_verified, created_at, updated_at, logins_count, blocked) VALUES (?, ?, ?, 0, ?, ?, 0, 0)',
  );
  for (const [index, email] of emails.entries()) insertUser.run(`user-${index}`, email, passwordHash, now, now);
  const findUser = sqlite.prepare<[string], BareUser>('SELECT id, password_hash FROM users WHERE email = ?');
  const insertSession = sqlite.prepare('INSERT INTO sessions (id, user_id, expires_at) VALUES (?, ?, ?)');
  const findSessionUser = sqlite.prepare<[string], BareSessionUser>(`
    SELECT users.id, users.email, users.email_verified, users.created_at, users.updated_at, users.last_login,
      users.logins_count, users.blocked, sessions.expires_at
    FROM sessions JOIN users ON users.id = sessions.user_id WHERE sessions.id = ?
  `);
  const readerToken = randomBytes(32).toString('base64url');
  insertSession.run(hashSessionToken(readerToken), 'user-0', Date.now() + DAY_MS);
  const configBody = JSON.stringify(config);

  const app = new Hono()
    .post('/api/login', async (c) => {
      const { identifier, password } = await c.req.json<{ identifier: string; password: string }>();
      const user = findUser.get(identifier);
      if (!user || !(await verifyPassword(user.password_hash, password))) return c.json({ error: 'invalid_credentials' }, 401);
      const token = randomBytes(32).toString('base64url');
      insertSession.run(hashSessionToken(token), user.id, Date.now() + DAY_MS);
      c.header('set-cookie', `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax`);
      return c.json({ user: { id: user.id } });
    })
    .get('/api/session', (c) => {
      // The headers every answer of the server's API carries, set as the server sets them.
      setApiResponseHeaders(c);
      const token = getCookie(c, SESSION_COOKIE);
      const user = token === undefined ? undefined : findSessionUser.get(hashSessionToken(token));
      if (!user || user.expires_at <= Date.now() || user.blocked === 1) return c.json({ error: { code: 'unauthenticated' } }, 401);
      return c.json({
        user: {
          user_id: user.id,
          email: user.email,
          email_verified: user.email_verified === 1,
          identities: [{ provider: 'auth0', user_id: user.id }],
          created_at: user.created_at,
          updated_at: user.updated_at,
          ...(user.last_login === null ? {} : { last_login: user.last_login }),
          logins_count: user.logins_count,
        },
      });
    })
    .get('/api/config', (c) => {
      setApiResponseHeaders(c);
      return c.body(configBody, 200, { 'content-type': 'application/json' });
    });
  const server = serve({ fetch: app.fetch, port: 0 });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    sessionCookie: `${SESSION_COOKIE}=${readerToken}`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      sqlite.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
