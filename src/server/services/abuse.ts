/**
 * Abuse protection: token-bucket rate limits per client IP, and brute-force blocking of an
 * (identifier, IP) pair after too many failed logins in a row. Counters live in the database.
 */
import { createHash } from 'node:crypto';

import type { Kysely } from 'kysely';

import type { TokenBucketSettings } from '../config.js';
import {
  clearLoginFailures,
  deleteFullBuckets,
  deleteStaleLoginFailures,
  findLoginFailures,
  recordLoginFailure,
  takeBucketToken,
} from '../store/counters-repository.js';
import type { Database } from '../store/schema.js';
import type { Clock } from './clock.js';
import { ServiceError } from './service-error.js';

export interface RateLimitState {
  allowed: boolean;
  /** The bucket's size (`X-RateLimit-Limit`). */
  limit: number;
  /** Requests left right now (`X-RateLimit-Remaining`). */
  remaining: number;
  /** When the bucket is full again, in epoch seconds (`X-RateLimit-Reset`). */
  resetAt: number;
  /** When refused: seconds until one request fits again (`Retry-After`). */
  retryAfterSeconds: number;
}

export class RateLimiter {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  async take(bucket: string, clientKey: string, settings: TokenBucketSettings): Promise<RateLimitState> {
    const intervalMs = 60_000 / settings.perMinute;
    const capacityMs = settings.burst * intervalMs;
    const now = this.clock();
    const { allowed, tat } = await takeBucketToken(this.db, `${bucket}:${clientKey}`, now, intervalMs, capacityMs);
    return {
      allowed,
      limit: settings.burst,
      remaining: Math.max(0, Math.floor((now + capacityMs - tat) / intervalMs)),
      resetAt: Math.ceil(Math.max(tat, now) / 1000),
      retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((tat + intervalMs - capacityMs - now) / 1000)),
    };
  }

  deleteFull(): Promise<void> {
    return deleteFullBuckets(this.db, this.clock());
  }
}

export interface BruteForceSettings {
  enabled: boolean;
  maxAttempts: number;
  blockMinutes: number;
}

/** A failure streak with no new failure for a day is forgotten. */
const STREAK_MEMORY_MS = 24 * 3_600_000;

export class BruteForceGuard {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly settings: BruteForceSettings,
    private readonly clock: Clock,
  ) {}

  /**
   * The counter key for a login identifier from one IP address. Hashed: people type passwords
   * into the identifier field, and those must not sit in the database in clear.
   */
  keyFor(identifier: string, ip: string): string {
    return createHash('sha256').update(`${identifier.trim().toLowerCase()}\u0000${ip}`).digest('hex');
  }

  async assertNotBlocked(key: string): Promise<void> {
    if (!this.settings.enabled) return;
    const row = await findLoginFailures(this.db, key);
    if (row?.blocked_until == null) return;
    const now = this.clock();
    const blockedUntil = Number(row.blocked_until);
    if (blockedUntil <= now) {
      // The block is over: the pair starts again with a clean count.
      await clearLoginFailures(this.db, key);
      return;
    }
    throw new ServiceError(
      'too_many_attempts',
      'Too many failed logins for this account from your address. Try again later or reset your password.',
      {},
      Math.ceil((blockedUntil - now) / 1000),
    );
  }

  async recordFailure(key: string): Promise<void> {
    if (!this.settings.enabled) return;
    const now = this.clock();
    await recordLoginFailure(this.db, key, now, this.settings.maxAttempts, now + this.settings.blockMinutes * 60_000);
  }

  clear(key: string): Promise<void> {
    return clearLoginFailures(this.db, key);
  }

  deleteStale(): Promise<void> {
    const now = this.clock();
    return deleteStaleLoginFailures(this.db, now, now - STREAK_MEMORY_MS);
  }
}
