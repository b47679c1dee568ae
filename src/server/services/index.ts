import type { Kysely } from 'kysely';

import type { ServerConfig } from '../config.js';
import type { Database } from '../store/schema.js';
import { BruteForceGuard, RateLimiter } from './abuse.js';
import type { Clock } from './clock.js';
import { SessionService } from './sessions.js';
import { UserService } from './users.js';

export interface Services {
  users: UserService;
  sessions: SessionService;
  rateLimiter: RateLimiter;
  bruteForce: BruteForceGuard;
}

export function createServices(db: Kysely<Database>, config: ServerConfig, clock: Clock): Services {
  const bruteForce = new BruteForceGuard(db, config.bruteForce, clock);
  return {
    users: new UserService(db, config, bruteForce, clock),
    sessions: new SessionService(db, config.session, clock),
    rateLimiter: new RateLimiter(db, clock),
    bruteForce,
  };
}

/** Deletes rows that can no longer matter: ended sessions, full buckets, forgotten streaks. */
export async function runHousekeeping(services: Services): Promise<void> {
  await services.sessions.deleteEnded();
  await services.rateLimiter.deleteFull();
  await services.bruteForce.deleteStale();
}
