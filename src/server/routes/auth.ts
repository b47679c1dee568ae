/**
 * The public API of design §3 that concerns accounts with a password: configuration, sign-up,
 * login, logout and the current session.
 */
import { Hono, type Context } from 'hono';

import { loginBodySchema, signupBodySchema } from '../../shared/api.js';
import { toPublicConfig, type ServerConfig } from '../config.js';
import type { AppEnv } from '../env.js';
import { methodNotAllowed } from '../middleware/errors.js';
import { rateLimitPerIp } from '../middleware/rate-limit.js';
import { requireJson, validateJson } from '../middleware/validation.js';
import type { Services } from '../services/index.js';
import { ServiceError } from '../services/service-error.js';
import type { ClientMeta } from '../services/sessions.js';
import { toPublicUser } from '../services/users.js';
import { clearSessionCookie, readSessionCookie, writeSessionCookie, type SessionCookieSettings } from './session-cookie.js';

export function authRoutes(services: Services, config: ServerConfig): Hono<AppEnv> {
  const cookie: SessionCookieSettings = {
    secure: config.publicUrl?.protocol === 'https:',
    maxAgeSeconds: services.sessions.maxAgeSeconds,
  };
  const publicConfig = toPublicConfig(config);
  const { rateLimits } = config;

  const clientOf = (c: Context<AppEnv>): ClientMeta => ({
    ip: c.var.clientIp,
    userAgent: c.req.header('User-Agent'),
  });

  /** Issues a fresh session; whatever session this browser had before ends (no fixation). */
  const startSession = async (c: Context<AppEnv>, userId: string): Promise<void> => {
    const previous = readSessionCookie(c, cookie);
    if (previous) await services.sessions.revoke(previous);
    const { token } = await services.sessions.start(userId, clientOf(c));
    writeSessionCookie(c, token, cookie);
  };

  return new Hono<AppEnv>()
    .get('/config', (c) => c.json(publicConfig))
    .all('/config', methodNotAllowed(['GET']))

    .post(
      '/signup',
      rateLimitPerIp(services.rateLimiter, 'signup', rateLimits.signup, rateLimits.enabled),
      async (_c, next) => {
        services.users.assertSignupOpen();
        await next();
      },
      requireJson,
      validateJson(signupBodySchema),
      async (c) => {
        let user = await services.users.signUp(c.req.valid('json'));
        if (config.signup.loginAfterSignup) {
          await startSession(c, user.id);
          user = await services.users.recordLogin(user.id, clientOf(c));
        }
        return c.json({ user: toPublicUser(user) }, 201);
      },
    )
    .all('/signup', methodNotAllowed(['POST']))

    .post(
      '/login',
      rateLimitPerIp(services.rateLimiter, 'login', rateLimits.login, rateLimits.enabled),
      requireJson,
      validateJson(loginBodySchema),
      async (c) => {
        const { identifier, password } = c.req.valid('json');
        const user = await services.users.logIn(identifier, password, clientOf(c));
        await startSession(c, user.id);
        return c.json({ user: toPublicUser(user) });
      },
    )
    .all('/login', methodNotAllowed(['POST']))

    .post('/logout', async (c) => {
      const token = readSessionCookie(c, cookie);
      if (token) await services.sessions.revoke(token);
      clearSessionCookie(c, cookie);
      return c.body(null, 204);
    })
    .all('/logout', methodNotAllowed(['POST']))

    .get('/session', async (c) => {
      const token = readSessionCookie(c, cookie);
      const user = token === undefined ? undefined : await services.sessions.authenticate(token);
      if (!user) {
        if (token !== undefined) clearSessionCookie(c, cookie);
        throw new ServiceError('unauthenticated', 'There is no valid session.');
      }
      return c.json({ user: toPublicUser(user) });
    })
    .all('/session', methodNotAllowed(['GET']));
}
