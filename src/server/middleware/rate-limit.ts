import type { Context, MiddlewareHandler } from 'hono';

import type { TokenBucketSettings } from '../config.js';
import type { AppEnv } from '../env.js';
import type { RateLimiter } from '../services/abuse.js';
import { ServiceError } from '../services/service-error.js';

/** Takes a token from one bucket, sets the X-RateLimit-* headers, and refuses with 429 when empty. */
export async function takeRateLimitToken(
  c: Context<AppEnv>,
  limiter: RateLimiter,
  bucket: string,
  key: string,
  settings: TokenBucketSettings,
): Promise<void> {
  const state = await limiter.take(bucket, key, settings);
  c.header('X-RateLimit-Limit', String(state.limit));
  c.header('X-RateLimit-Remaining', String(state.remaining));
  c.header('X-RateLimit-Reset', String(state.resetAt));
  if (!state.allowed) {
    throw new ServiceError(
      'too_many_requests',
      'Too many requests. Wait a moment and try again.',
      {},
      state.retryAfterSeconds,
    );
  }
}

/** A token bucket per client IP for one group of endpoints. */
export function rateLimitPerIp(
  limiter: RateLimiter,
  bucket: string,
  settings: TokenBucketSettings,
  enabled: boolean,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (enabled) await takeRateLimitToken(c, limiter, bucket, c.get('clientIp'), settings);
    await next();
  };
}
