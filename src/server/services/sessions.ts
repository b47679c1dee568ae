/**
 * Login sessions. A session token is 256 random bits handed to the browser once, in an HttpOnly
 * cookie; the database keeps only its SHA-256, so a leaked database opens no sessions.
 */
import { createHash, randomBytes } from 'node:crypto';

import type { Kysely } from 'kysely';

import type { Database } from '../store/schema.js';
import {
  deleteEndedSessions,
  deleteSession,
  deleteSessionsOfUser,
  findSessionWithUser,
  insertSession,
  touchSession,
} from '../store/sessions-repository.js';
import type { SignInMethods } from '../store/identities-repository.js';
import type { PublicUserRow } from '../store/users-repository.js';
import type { Clock } from './clock.js';

const HOUR_MS = 3_600_000;
/** Sliding the idle deadline needs no write on every request; once a minute is precise enough. */
const TOUCH_INTERVAL_MS = 60_000;

export interface SessionSettings {
  ttlHours: number;
  idleHours: number;
}

export interface AuthenticatedUser {
  user: PublicUserRow;
  signInMethods: SignInMethods;
}

export interface StartedSession {
  token: string;
  expiresAt: number;
}

export interface ClientMeta {
  ip: string;
  userAgent: string | undefined;
}

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class SessionService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly settings: SessionSettings,
    private readonly clock: Clock,
  ) {}

  /** Absolute lifetime in seconds, for the cookie's Max-Age. */
  get maxAgeSeconds(): number {
    return Math.floor((this.settings.ttlHours * HOUR_MS) / 1000);
  }

  async start(userId: string, client: ClientMeta): Promise<StartedSession> {
    const token = randomBytes(32).toString('base64url');
    const now = this.clock();
    const expiresAt = now + this.settings.ttlHours * HOUR_MS;
    await insertSession(this.db, {
      id: hashSessionToken(token),
      user_id: userId,
      created_at: now,
      last_seen_at: now,
      expires_at: expiresAt,
      ip: client.ip,
      user_agent: client.userAgent?.slice(0, 512) ?? null,
    });
    return { token, expiresAt };
  }

  /**
   * The user behind a live session token, with how they can sign in, or undefined (unknown,
   * expired, idle or blocked).
   */
  async authenticate(token: string): Promise<AuthenticatedUser | undefined> {
    const id = hashSessionToken(token);
    const found = await findSessionWithUser(this.db, id);
    if (!found) return undefined;
    const { session, user, signInMethods } = found;
    const now = this.clock();
    const idleDeadline = Number(session.last_seen_at) + this.settings.idleHours * HOUR_MS;
    if (Number(session.expires_at) <= now || idleDeadline <= now) {
      await deleteSession(this.db, id);
      return undefined;
    }
    if (user.blocked) {
      await deleteSession(this.db, id);
      return undefined;
    }
    if (now - Number(session.last_seen_at) >= TOUCH_INTERVAL_MS) await touchSession(this.db, id, now);
    return { user, signInMethods };
  }

  async revoke(token: string): Promise<void> {
    await deleteSession(this.db, hashSessionToken(token));
  }

  async revokeAllOf(userId: string): Promise<void> {
    await deleteSessionsOfUser(this.db, userId);
  }

  /** Housekeeping: drops sessions nobody can use any more. */
  deleteEnded(): Promise<number> {
    const now = this.clock();
    return deleteEndedSessions(this.db, now, now - this.settings.idleHours * HOUR_MS);
  }
}
