import type { MiddlewareHandler } from 'hono';

import type { TokenBucketSettings } from '../config.js';
import type { AppEnv } from '../env.js';
import type { RateLimiter } from '../services/abuse.js';
import { ServiceError } from '../services/service-error.js';

/** A token bucket per client IP for one group of endpoints, with the X-RateLimit-* headers. */
export function rateLimitPerIp(
  limiter: RateLimiter,
  bucket: string,
  settings: TokenBucketSettings,
  enabled: boolean,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!enabled) return next();
    const state = await limiter.take(bucket, c.var.clientIp, settings);
    c.header('X-RateLimit-Limit', String(state.limit));
    c.header('X-RateLimit-Remaining', String(state.remaining));
    c.header('X-RateLimit-Reset', String(state.resetAt));
    if (!state.allowed) {
      throw new ServiceError(
        'too_many_requests',
        'Too many requests from your address. Wait a moment and try again.',
        {},
        state.retryAfterSeconds,
      );
    }
    await next();
  };
}
