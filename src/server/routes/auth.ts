/**
 * The public API of design §3 that concerns accounts with a password: configuration, sign-up,
 * login, logout and the current session.
 */
import { Hono } from 'hono';

import {
  loginBodySchema,
  passwordResetConfirmBodySchema,
  passwordResetRequestBodySchema,
  signupBodySchema,
} from '../../shared/api.js';
import { toPublicConfig, type ServerConfig } from '../config.js';
import type { AppEnv } from '../env.js';
import { methodNotAllowed } from '../middleware/errors.js';
import { rateLimitPerIp } from '../middleware/rate-limit.js';
import { mailLinkOrigin } from '../middleware/security.js';
import { requireJson, validateJson } from '../middleware/validation.js';
import type { Services } from '../services/index.js';
import { ServiceError } from '../services/service-error.js';
import { clientOf, startBrowserSession, type BrowserCookie } from './browser-session.js';

export function authRoutes(services: Services, config: ServerConfig, sessionCookie: BrowserCookie): Hono<AppEnv> {
  // Fixed while the server runs: serialized once, not on every page load with the widget.
  const publicConfigJson = JSON.stringify(toPublicConfig(config));
  const { rateLimits } = config;

  return new Hono<AppEnv>()
    .get('/config', (c) => c.body(publicConfigJson, 200, { 'Content-Type': 'application/json' }))
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
        if (!config.signup.revealExisting) {
          // The same answer for a new and a taken email; the mail tells the owner which it was.
          await services.users.signUpWithoutRevealing(c.req.valid('json'));
          return c.body(null, 202);
        }
        let user = await services.users.signUp(c.req.valid('json'));
        if (config.signup.loginAfterSignup) {
          await startBrowserSession(c, services.sessions, sessionCookie, user.id);
          user = await services.users.recordLogin(user.id, clientOf(c));
        }
        return c.json({ user: await services.users.describe(user) }, 201);
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
        await startBrowserSession(c, services.sessions, sessionCookie, user.id);
        return c.json({ user: await services.users.describe(user) });
      },
    )
    .all('/login', methodNotAllowed(['POST']))

    .post('/logout', async (c) => {
      const token = sessionCookie.read(c);
      if (token) await services.sessions.revoke(token);
      sessionCookie.clear(c);
      return c.body(null, 204);
    })
    .all('/logout', methodNotAllowed(['POST']))

    .post(
      '/password-reset',
      rateLimitPerIp(services.rateLimiter, 'password-reset', rateLimits.passwordReset, rateLimits.enabled),
      async (_c, next) => {
        services.passwordReset.assertEnabled();
        await next();
      },
      requireJson,
      validateJson(passwordResetRequestBodySchema),
      (c) => {
        const linkOrigin = mailLinkOrigin(c, config.publicUrl);
        if (!linkOrigin) {
          throw new ServiceError('password_reset_disabled', 'Password reset needs PUBLIC_URL: a mailed link never takes its host from the request.');
        }
        // Answered before anything is looked up: the answer is the same for every address.
        services.passwordReset.request(c.req.valid('json').email, linkOrigin);
        return c.body(null, 202);
      },
    )
    .all('/password-reset', methodNotAllowed(['POST']))

    .post(
      '/password-reset/confirm',
      rateLimitPerIp(services.rateLimiter, 'password-reset', rateLimits.passwordReset, rateLimits.enabled),
      requireJson,
      validateJson(passwordResetConfirmBodySchema),
      async (c) => {
        const { token, password } = c.req.valid('json');
        await services.passwordReset.confirm(token, password);
        return c.body(null, 204);
      },
    )
    .all('/password-reset/confirm', methodNotAllowed(['POST']))

    .get('/session', async (c) => {
      const token = sessionCookie.read(c);
      const authenticated = token === undefined ? undefined : await services.sessions.authenticate(token);
      if (!authenticated) {
        if (token !== undefined) sessionCookie.clear(c);
        throw new ServiceError('unauthenticated', 'There is no valid session.');
      }
      // The session's query brought the sign-in methods along: nothing more to read.
      return c.json({ user: await services.users.describe(authenticated.user, authenticated.signInMethods) });
    })
    .all('/session', methodNotAllowed(['GET']));
}
