/**
 * Social login over HTTP: `GET /api/social/:provider` sends the browser to the provider, and
 * `GET /api/social/:provider/callback` brings it back. The callback never answers with an error
 * page or a 500: every outcome is a redirect, to `return_to` with `provision_lock=login` or to the
 * page that started the login with `provision_lock_error=<code>`, where the widget shows it.
 */
import { Hono } from 'hono';

import type { ServerConfig } from '../config.js';
import type { AppEnv } from '../env.js';
import type { Logger } from '../logger.js';
import { methodNotAllowed } from '../middleware/errors.js';
import { rateLimitPerIp } from '../middleware/rate-limit.js';
import { ownOrigin } from '../middleware/security.js';
import type { Services } from '../services/index.js';
import { ServiceError } from '../services/service-error.js';
import { SOCIAL_FLOW_TTL_SECONDS } from '../services/social.js';
import { BrowserCookie, clientOf, startBrowserSession } from './browser-session.js';
import { safeReturnTo, withQueryParameter } from './return-to.js';

/** Where a failed login ends when the flow cannot tell where it started: the hosted login page. */
const LOGIN_PAGE = '/login';

export function socialRoutes(
  services: Services,
  config: ServerConfig,
  sessionCookie: BrowserCookie,
  logger: Logger,
): Hono<AppEnv> {
  const flowCookie = new BrowserCookie('provision_lock_social', config.publicUrl?.protocol === 'https:', SOCIAL_FLOW_TTL_SECONDS);
  const { rateLimits } = config;

  return new Hono<AppEnv>()
    .get(
      '/:provider',
      rateLimitPerIp(services.rateLimiter, 'social', rateLimits.social, rateLimits.enabled),
      async (c) => {
        const providerId = c.req.param('provider');
        const settings = services.social.settingsOf(providerId);
        const own = ownOrigin(c, config.publicUrl);
        const returnTo = safeReturnTo(c.req.query('return_to'), own, config.allowedOrigins);
        const errorTo = c.req.query('error_to')
          ? safeReturnTo(c.req.query('error_to'), own, config.allowedOrigins)
          : returnTo;
        try {
          const { location, sealedFlow } = await services.social.begin(settings.id, {
            redirectUri: `${own}/api/social/${encodeURIComponent(settings.id)}/callback`,
            returnTo,
            errorTo,
          });
          flowCookie.write(c, sealedFlow);
          return c.redirect(location, 302);
        } catch (error) {
          if (!(error instanceof ServiceError)) throw error;
          return c.redirect(withQueryParameter(errorTo, 'provision_lock_error', error.code), 302);
        }
      },
    )
    .all('/:provider', methodNotAllowed(['GET']))

    .get('/:provider/callback', async (c) => {
      const sealedFlow = flowCookie.read(c);
      flowCookie.clear(c);
      // The sealed flow knows where the login started, even when it is too late to finish it.
      const sealed = await services.social.readFlow(sealedFlow);
      const errorTo = sealed?.errorTo ?? LOGIN_PAGE;
      try {
        const flow = await services.social.checkFlow(c.req.param('provider'), sealed);
        const profile = await services.social.complete(flow, new URL(c.req.url).searchParams);
        const user = await services.users.logInWithSocial(services.social.settingsOf(flow.provider), profile, clientOf(c));
        await startBrowserSession(c, services.sessions, sessionCookie, user.id);
        return c.redirect(withQueryParameter(flow.returnTo, 'provision_lock', 'login'), 302);
      } catch (error) {
        if (!(error instanceof ServiceError)) {
          logger.error('social login callback failed', { error: error instanceof Error ? error.message : String(error) });
        }
        const code = error instanceof ServiceError ? error.code : 'social_login_failed';
        return c.redirect(withQueryParameter(errorTo, 'provision_lock_error', code), 302);
      }
    })
    .all('/:provider/callback', methodNotAllowed(['GET']));
}
