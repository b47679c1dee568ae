/**
 * Runs the real provision-lock server inside web-test-runner's dev server, so widget tests talk to
 * the real API (real policies, real SQLite, real error codes) instead of mocks.
 *
 * - `/api/*` is a server with the default configuration.
 * - `POST /__harness/servers` with a configuration file's JSON body starts another server on its
 *   own in-memory database and answers `{base}`; the widget's `server` attribute takes that base,
 *   and requests under it reach that server.
 */
import type { IncomingMessage } from 'node:http';

import { getRequestListener } from '@hono/node-server';
import type { Context, Next } from 'koa';

import { createApp } from '../../src/server/app.js';
import { resolveConfig } from '../../src/server/config.js';
import { silentLogger } from '../../src/server/logger.js';
import { createServices } from '../../src/server/services/index.js';
import { migrateToLatest, openDatabase } from '../../src/server/store/database.js';

type Listener = ReturnType<typeof getRequestListener>;

/** Accounts to create before a test, with the flags only an administrator could set. */
interface SeedUser {
  email: string;
  password: string;
  username?: string;
  blocked?: boolean;
  passwordResetRequired?: boolean;
}

interface HarnessRequest {
  config?: unknown;
  users?: SeedUser[];
}

async function startApp({ config: configFile = {}, users = [] }: HarnessRequest): Promise<Listener> {
  const config = resolveConfig(configFile, { DATABASE_URL: 'sqlite::memory:' });
  const db = openDatabase(config.databaseUrl);
  await migrateToLatest(db);
  // Seed through the real sign-up service, so seeded users are exactly what sign-up makes.
  const { users: userService } = createServices(
    db,
    { ...config, signup: { ...config.signup, enabled: true } },
    Date.now,
    silentLogger,
  );
  for (const seed of users) {
    const user = await userService.signUp({ email: seed.email, password: seed.password, username: seed.username });
    await db
      .updateTable('users')
      .set({ blocked: seed.blocked ? 1 : 0, password_reset_required: seed.passwordResetRequired ? 1 : 0 })
      .where('id', '=', user.id)
      .execute();
  }
  return getRequestListener(createApp({ config, db }).fetch);
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of request) text += String(chunk);
  return text ? JSON.parse(text) : {};
}

export function apiHarness(): (context: Context, next: Next) => Promise<void> {
  const servers = new Map<string, Listener>();
  const defaultServer = startApp({});
  let nextId = 1;

  return async (context, next) => {
    if (context.method === 'POST' && context.path === '/__harness/servers') {
      const id = String(nextId++);
      try {
        servers.set(id, await startApp((await readJson(context.req)) as HarnessRequest));
        context.body = { base: `/__harness/${id}` };
      } catch (error) {
        context.status = 400;
        context.body = { error: String(error) };
      }
      return;
    }
    const scoped = /^\/__harness\/(\d+)(\/.*)$/.exec(context.url);
    const listener = scoped ? servers.get(scoped[1] ?? '') : context.path.startsWith('/api/') ? await defaultServer : undefined;
    if (!listener) {
      await next();
      return;
    }
    if (scoped) context.req.url = scoped[2] ?? '/';
    context.respond = false;
    await listener(context.req, context.res);
  };
}
