import type { Kysely } from 'kysely';

import type { ServerConfig } from '../config.js';
import type { Logger } from '../logger.js';
import type { Database } from '../store/schema.js';
import { BruteForceGuard, RateLimiter } from './abuse.js';
import type { Clock } from './clock.js';
import { ServerSecrets } from './secrets.js';
import { SessionService } from './sessions.js';
import { SocialService } from './social.js';
import { UserService } from './users.js';

export interface Services {
  users: UserService;
  sessions: SessionService;
  rateLimiter: RateLimiter;
  bruteForce: BruteForceGuard;
  social: SocialService;
}

export function createServices(db: Kysely<Database>, config: ServerConfig, clock: Clock, logger: Logger): Services {
  const bruteForce = new BruteForceGuard(db, config.bruteForce, clock);
  return {
    users: new UserService(db, config, bruteForce, clock),
    sessions: new SessionService(db, config.session, clock),
    rateLimiter: new RateLimiter(db, clock),
    bruteForce,
    social: new SocialService(db, config.social, new ServerSecrets(db, clock), clock, logger),
  };
}

/** Deletes rows that can no longer matter: ended sessions, full buckets, old streaks and flows. */
export async function runHousekeeping(services: Services): Promise<void> {
  await services.sessions.deleteEnded();
  await services.rateLimiter.deleteFull();
  await services.bruteForce.deleteStale();
  await services.social.deleteExpiredFlows();
}
