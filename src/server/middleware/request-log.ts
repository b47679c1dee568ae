import type { MiddlewareHandler } from 'hono';

import type { AppEnv } from '../env.js';
import type { Logger } from '../logger.js';

/** One line per request: method, path without its query string, status and duration. */
export function logRequests(logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    logger.info('request', {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round(performance.now() - started),
      ip: c.get('clientIp'),
    });
  };
}
