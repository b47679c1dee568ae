/**
 * Abuse protection: token-bucket rate limits per client IP, and brute-force blocking of an
 * (identifier, IP) pair after too many failed logins in a row. Counters live in the database.
 */
import { createHash } from 'node:crypto';

import type { Kysely } from 'kysely';

import type { TokenBucketSettings } from '../config.js';
import {
  clearLoginFailures,
  clearLoginFailuresOfUser,
  deleteFullBuckets,
  deleteStaleLoginFailures,
  findBlocksOfUser,
  countLoginAttempt,
  uncountLoginAttempt,
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

  get maxAttempts(): number {
    return this.settings.maxAttempts;
  }

  get blockMilliseconds(): number {
    return this.settings.blockMinutes * 60_000;
  }

  /**
   * The counter key for a login identifier from one IP address. Hashed: people type passwords
   * into the identifier field, and those must not sit in the database in clear.
   */
  keyFor(identifier: string, ip: string): string {
    return createHash('sha256').update(`${identifier.trim().toLowerCase()}\u0000${ip}`).digest('hex');
  }

  /**
   * Counts a login attempt of `key` before its password is checked: refused with
   * `too_many_attempts` while the pair is blocked or when racing attempts have used up the
   * allowance. Otherwise says whether a failure of this attempt is the one that starts a block
   * (the moment to tell the account's owner, once). A success must call `clear`.
   */
  async beginAttempt(key: string, attempt: { userId: string | undefined; ip: string }): Promise<{ failureStartsBlock: boolean }> {
    if (!this.settings.enabled) return { failureStartsBlock: false };
    const now = this.clock();
    const row = await countLoginAttempt(
      this.db,
      key,
      { now, userId: attempt.userId ?? null, ip: attempt.ip },
      this.settings.maxAttempts,
      now + this.blockMilliseconds,
    );
    if (row.failures > this.settings.maxAttempts) {
      const blockedUntil = Number(row.blocked_until ?? now + this.blockMilliseconds);
      throw new ServiceError(
        'too_many_attempts',
        'Too many failed logins for this account from your address. Try again later or reset your password.',
        {},
        Math.max(1, Math.ceil((blockedUntil - now) / 1000)),
      );
    }
    return { failureStartsBlock: row.failures === this.settings.maxAttempts };
  }

  /** Takes back an attempt that never reached a verdict (the legacy store was unavailable). */
  async withdrawAttempt(key: string): Promise<void> {
    if (this.settings.enabled) await uncountLoginAttempt(this.db, key, this.settings.maxAttempts);
  }

  clear(key: string): Promise<void> {
    return clearLoginFailures(this.db, key);
  }

  /** Lifts every block on an account (an administrator's unblock, or a new password). */
  clearUser(userId: string): Promise<void> {
    return clearLoginFailuresOfUser(this.db, userId);
  }

  /** The addresses an account is blocked from right now, and until when (epoch ms). */
  async blocksOf(userId: string): Promise<{ ip: string; blockedUntil: number }[]> {
    const rows = await findBlocksOfUser(this.db, userId, this.clock());
    return rows.map((row) => ({ ip: row.ip ?? '', blockedUntil: Number(row.blocked_until) }));
  }

  deleteStale(): Promise<void> {
    const now = this.clock();
    return deleteStaleLoginFailures(this.db, now, now - STREAK_MEMORY_MS);
  }
}
