/**
 * `createApp(deps)` builds the whole HTTP application and nothing else: no port, no globals, no
 * timers. `main.ts` serves it; tests call it through `app.request()`.
 */
import { fileURLToPath } from 'node:url';

import { Hono } from 'hono';
import type { Kysely } from 'kysely';

import type { ServerConfig } from './config.js';
import type { AppEnv } from './env.js';
import { silentLogger, type Logger } from './logger.js';
import { forwardedClientAddress, resolveClientIp, type ClientIpResolver } from './middleware/client-ip.js';
import { createErrorHandler, handleNotFound } from './middleware/errors.js';
import { logRequests } from './middleware/request-log.js';
import { apiGate } from './middleware/security.js';
import { limitJsonBody } from './middleware/validation.js';
import { authRoutes } from './routes/auth.js';
import { BrowserCookie } from './routes/browser-session.js';
import { developmentRoutes } from './routes/development.js';
import { IMPORT_PATH, managementRoutes } from './routes/management.js';
import { pageRoutes } from './routes/pages.js';
import { socialRoutes } from './routes/social.js';
import { systemClock, type Clock } from './services/clock.js';
import { createServices, type Services } from './services/index.js';
import type { Database } from './store/schema.js';

export interface AppDependencies {
  config: ServerConfig;
  /** A migrated database (see `migrateToLatest`). */
  db: Kysely<Database>;
  clock?: Clock;
  logger?: Logger;
  /** Where the client's IP address comes from; the socket's peer by default. */
  clientIp?: ClientIpResolver;
  /** The built browser files (`npm run build`); the project's `dist/` by default. */
  distDir?: string;
  /** The services to use, for callers that also drive them (the job runner); made here otherwise. */
  services?: Services;
}

/** The project's `dist/`: two levels up from this file, whether it runs from src/server or dist/server. */
export const DEFAULT_DIST_DIR = fileURLToPath(new URL('../../dist', import.meta.url));

export function createApp(deps: AppDependencies): Hono<AppEnv> {
  const { config, db } = deps;
  const logger = deps.logger ?? silentLogger;
  const services = deps.services ?? createServices(db, config, deps.clock ?? systemClock, logger);
  const sessionCookie = new BrowserCookie(
    'provision_lock_session',
    config.publicUrl?.protocol === 'https:',
    services.sessions.maxAgeSeconds,
  );

  const app = new Hono<AppEnv>();
  app.use(resolveClientIp(deps.clientIp ?? forwardedClientAddress(config.trustProxy)));
  app.use(logRequests(logger));
  app.use(
    '/api/*',
    apiGate({
      publicUrl: config.publicUrl,
      allowedOrigins: config.allowedOrigins,
      // User files for imports are streamed to disk under their own, much larger limit. Requests
      // without a body skip the check: reading `body` makes the Node adapter build a full Request,
      // which costs a GET more than everything else it does.
      bodyGuard: (c) => (c.req.path === IMPORT_PATH || c.req.method === 'GET' || c.req.method === 'HEAD' ? undefined : limitJsonBody),
    }),
  );

  app.route('/api', authRoutes(services, config, sessionCookie));
  app.route('/api/social', socialRoutes(services, config, sessionCookie, logger));
  app.route('/api/v2', managementRoutes(services, config));
  app.route('/api/dev', developmentRoutes(services, config));
  app.route('/', pageRoutes(config, deps.distDir ?? DEFAULT_DIST_DIR));

  app.notFound(handleNotFound);
  app.onError(createErrorHandler(logger));
  return app;
}
