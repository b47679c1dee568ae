import type { Kysely } from 'kysely';

import type { ServerConfig } from '../config.js';
import type { Logger } from '../logger.js';
import type { Database } from '../store/schema.js';
import { BruteForceGuard, RateLimiter } from './abuse.js';
import { AdminUserService } from './admin-users.js';
import { BackgroundTasks } from './background.js';
import type { Clock } from './clock.js';
import { DatabaseConnection } from './connection.js';
import { CredentialService } from './credentials.js';
import { JobService } from './jobs.js';
import { LegacyStore } from './legacy-store.js';
import { MailService } from './mail.js';
import { SecurityNotices } from './notices.js';
import { PasswordResetService } from './password-reset.js';
import { ServerSecrets } from './secrets.js';
import { SessionService } from './sessions.js';
import { SocialService } from './social.js';
import { UserExporter } from './user-export.js';
import { UserImporter } from './user-import.js';
import { UserService } from './users.js';

export interface Services {
  users: UserService;
  sessions: SessionService;
  credentials: CredentialService;
  rateLimiter: RateLimiter;
  bruteForce: BruteForceGuard;
  social: SocialService;
  secrets: ServerSecrets;
  mail: MailService;
  passwordReset: PasswordResetService;
  legacy: LegacyStore | undefined;
  connection: DatabaseConnection;
  admin: AdminUserService;
  jobs: JobService;
  /** Mails and other work that runs after the answer. */
  background: BackgroundTasks;
}

export function createServices(db: Kysely<Database>, config: ServerConfig, clock: Clock, logger: Logger): Services {
  const bruteForce = new BruteForceGuard(db, config.bruteForce, clock);
  const credentials = new CredentialService(db, clock);
  const legacy = config.legacyStore && new LegacyStore(config.legacyStore, logger);
  const secrets = new ServerSecrets(db, clock);
  const sessions = new SessionService(db, config.session, clock);
  const mail = new MailService(config.mail, db, clock, logger);
  const background = new BackgroundTasks(logger);
  const notices = new SecurityNotices(mail, background, config.publicUrl && new URL('/login', config.publicUrl).href);
  const users = new UserService(db, config, bruteForce, credentials, legacy, notices, clock);
  const connection = new DatabaseConnection(
    db,
    { name: config.connection.name, password: config.password, username: config.username, bruteForce: config.bruteForce.enabled },
    clock,
  );
  return {
    background,
    users,
    sessions,
    credentials,
    rateLimiter: new RateLimiter(db, clock),
    bruteForce,
    social: new SocialService(db, config.social, secrets, clock, logger),
    secrets,
    mail,
    passwordReset: new PasswordResetService(
      db,
      { ...config.passwordReset, policy: config.password },
      users,
      credentials,
      sessions,
      mail,
      legacy,
      bruteForce,
      background,
      clock,
    ),
    legacy,
    connection,
    admin: new AdminUserService(db, config, connection, credentials, sessions, bruteForce, clock),
    jobs: new JobService(
      db,
      new UserImporter(db, clock),
      new UserExporter(db, connection.name),
      connection,
      secrets,
      config.imports,
      clock,
      logger,
    ),
  };
}

/** Deletes rows that can no longer matter: ended sessions, full buckets, old streaks, flows, tokens. */
export async function runHousekeeping(services: Services): Promise<void> {
  await services.sessions.deleteEnded();
  await services.rateLimiter.deleteFull();
  await services.bruteForce.deleteStale();
  await services.social.deleteExpiredFlows();
  await services.passwordReset.deleteSpentTokens();
}
