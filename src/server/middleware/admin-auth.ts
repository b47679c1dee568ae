/**
 * The Management API's door: `Authorization: Bearer <ADMIN_TOKEN>`, compared in constant time,
 * behind a token bucket per token (per IP address for requests without the right token, so that
 * guessing tokens is throttled too). Every response carries the X-RateLimit-* headers.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

import type { MiddlewareHandler } from 'hono';

import type { TokenBucketSettings } from '../config.js';
import type { AppEnv } from '../env.js';
import type { RateLimiter } from '../services/abuse.js';
import { takeRateLimitToken } from './rate-limit.js';
import { ServiceError } from '../services/service-error.js';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

export function requireAdminToken(
  adminToken: string | undefined,
  limiter: RateLimiter,
  settings: TokenBucketSettings,
  rateLimited: boolean,
): MiddlewareHandler<AppEnv> {
  const expected = adminToken === undefined ? undefined : digest(adminToken);
  return async (c, next) => {
    const presented = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('Authorization') ?? '')?.[1];
    const valid = expected !== undefined && presented !== undefined && timingSafeEqual(digest(presented), expected);
    if (rateLimited) {
      const bucketKey = valid ? `token:${digest(presented).toString('hex')}` : `ip:${c.get('clientIp')}`;
      await takeRateLimitToken(c, limiter, 'management', bucketKey, settings);
    }
    if (!valid) {
      c.header('WWW-Authenticate', 'Bearer realm="provision-lock management API"');
      throw new ServiceError(
        'unauthenticated',
        expected === undefined
          ? 'The management API is off: start the server with ADMIN_TOKEN set.'
          : 'Send the management token as "Authorization: Bearer <token>".',
      );
    }
    await next();
  };
}
