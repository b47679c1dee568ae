/**
 * The least a password login over HTTP can be, as a reference for the server's: a bare Hono app on
 * @hono/node-server that reads the JSON body, finds the user with one prepared SELECT, verifies the
 * password with the server's own argon2id function, stores a session (a random token's SHA-256)
 * with one prepared INSERT, and answers with the cookie and the user's id. No validation,
 * middleware, security headers, brute-force bookkeeping or login count: what the reference server
 * adds to this is what its login costs beyond the hash.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { serve } from '@hono/node-server';
import { Hono } from 'hono';

import { verifyPassword } from '../src/server/services/passwords.js';
import { openBareSqlite } from './bare-sqlite.js';

export interface BareLoginServer {
  url: string;
  close: () => Promise<void>;
}

interface BareUser {
  id: string;
  password_hash: string;
}

/** Serves POST /api/login for `emails`, each with the argon2id hash `passwordHash`. */
export async function startBareLoginServer(emails: readonly string[], passwordHash: string): Promise<BareLoginServer> {
  const folder = mkdtempSync(join(tmpdir(), 'provision-lock-bare-login-'));
  const sqlite = openBareSqlite(join(folder, 'bare.db'));
  sqlite.exec(`
    CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL);
    CREATE TABLE sessions (id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users (id), expires_at INTEGER NOT NULL);
  `);
  const insertUser = sqlite.prepare('INSERT INTO users (id, email, password_hash) VALUES (?, ?, ?)');
  for (const [index, email] of emails.entries()) insertUser.run(`user-${index}`, email, passwordHash);
  const findUser = sqlite.prepare<[string], BareUser>('SELECT id, password_hash FROM users WHERE email = ?');
  const insertSession = sqlite.prepare('INSERT INTO sessions (id, user_id, expires_at) VALUES (?, ?, ?)');

  const app = new Hono().post('/api/login', async (c) => {
    const { identifier, password } = await c.req.json<{ identifier: string; password: string }>();
    const user = findUser.get(identifier);
    if (!user || !(await verifyPassword(user.password_hash, password))) return c.json({ error: 'invalid_credentials' }, 401);
    const token = randomBytes(32).toString('base64url');
    insertSession.run(createHash('sha256').update(token).digest('hex'), user.id, Date.now() + 86_400_000);
    c.header('set-cookie', `session=${token}; Path=/; HttpOnly; SameSite=Lax`);
    return c.json({ user: { id: user.id } });
  });
  const server = serve({ fetch: app.fetch, port: 0 });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      sqlite.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
