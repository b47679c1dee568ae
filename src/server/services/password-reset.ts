/**
 * Password reset: a one-time, expiring link by mail, then a new password under the policy. The
 * request answers the same for every address (202, at once); whether a mail goes out is decided
 * after the answer, so neither the body nor the timing tells who has an account.
 */
import { createHash, randomBytes } from 'node:crypto';

import type { Kysely } from 'kysely';

import type { PasswordPolicy } from '../../shared/api.js';
import { escapeHtml } from '../html.js';
import { findCredential } from '../store/credentials-repository.js';
import {
  consumeResetToken,
  deleteSpentResetTokens,
  findResetToken,
  replaceResetToken,
} from '../store/reset-tokens-repository.js';
import type { Database } from '../store/schema.js';
import { findUserByEmail, findUserById, setPasswordResetRequired, type UserRow } from '../store/users-repository.js';
import { isoTime, type Clock } from './clock.js';
import type { BruteForceGuard } from './abuse.js';
import type { BackgroundTasks } from './background.js';
import type { CredentialService } from './credentials.js';
import type { LegacyStore } from './legacy-store.js';
import type { MailService } from './mail.js';
import { ServiceError } from './service-error.js';
import type { SessionService } from './sessions.js';
import type { UserService } from './users.js';

export interface PasswordResetSettings {
  enabled: boolean;
  tokenTtlMinutes: number;
  policy: PasswordPolicy;
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class PasswordResetService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly settings: PasswordResetSettings,
    private readonly users: UserService,
    private readonly credentials: CredentialService,
    private readonly sessions: SessionService,
    private readonly mail: MailService,
    private readonly legacy: LegacyStore | undefined,
    private readonly bruteForce: BruteForceGuard,
    private readonly background: BackgroundTasks,
    private readonly clock: Clock,
  ) {}

  assertEnabled(): void {
    // In proxy mode passwords live in the legacy store: there is nothing here to reset.
    if (!this.settings.enabled || this.legacy?.mode === 'proxy') {
      throw new ServiceError('password_reset_disabled', 'Password reset is turned off on this server.');
    }
  }

  /**
   * Starts a reset for `email`, in the background: the caller answers at once and never learns
   * the outcome. `linkBase` is the origin the mail's link points to.
   */
  request(email: string, linkBase: string): void {
    this.background.run('password reset mail', () => this.sendResetMail(email, linkBase));
  }

  /** Settles when every reset started so far is done (tests, and a clean shutdown, wait on it). */
  idle(): Promise<void> {
    return this.background.idle();
  }

  /** Sets the new password of the token's user, under the policy and its history rule. */
  async confirm(token: string, password: string): Promise<void> {
    const invalid = new ServiceError('invalid_token', 'This reset link is not valid: it has expired or was used.');
    const id = hashToken(token);
    const row = await findResetToken(this.db, id);
    const now = this.clock();
    if (!row || row.used_at !== null || row.expires_at <= now) throw invalid;
    const user = await findUserById(this.db, row.user_id);
    if (!user) throw invalid;

    await this.credentials.assertAcceptable(password, this.settings.policy, user);
    // Spent before the password changes, atomically: two requests with one link cannot both pass.
    if (!(await consumeResetToken(this.db, id, now))) throw invalid;
    await this.credentials.setPassword(user.id, password);
    await setPasswordResetRequired(this.db, user.id, false, isoTime(this.clock));
    await this.sessions.revokeAllOf(user.id);
    // Whoever can read the account's mail may log in again at once, even from a blocked address.
    await this.bruteForce.clearUser(user.id);
  }

  deleteSpentTokens(): Promise<void> {
    return deleteSpentResetTokens(this.db, this.clock());
  }

  private async sendResetMail(email: string, linkBase: string): Promise<void> {
    const user = await this.findOrMigrate(email);
    if (!user || user.blocked) return;
    const token = randomBytes(32).toString('base64url');
    const now = this.clock();
    const ttlMs = this.settings.tokenTtlMinutes * 60_000;
    await replaceResetToken(this.db, { id: hashToken(token), user_id: user.id, created_at: now, expires_at: now + ttlMs });

    // An account that never had a password here (imported without one) sets a first password.
    const firstPassword = user.password_reset_required === 1 || !(await findCredential(this.db, user.id));
    const view = firstPassword ? 'set-password' : 'reset-confirm';
    const link = `${linkBase}/login?view=${view}#token=${token}`;
    await this.mail.send(resetMail(user.email, link, this.settings.tokenTtlMinutes, firstPassword));
  }

  /** In `migrate` mode, a user of the legacy store moves here now so that the reset can work. */
  private async findOrMigrate(email: string): Promise<UserRow | undefined> {
    const local = await findUserByEmail(this.db, email);
    if (local || this.legacy?.mode !== 'migrate') return local;
    const profile = await this.legacy.findUser(email);
    return profile ? this.users.adoptLegacyProfile(profile) : undefined;
  }
}

function resetMail(to: string, link: string, ttlMinutes: number, firstPassword: boolean) {
  const action = firstPassword ? 'choose a password' : 'choose a new password';
  const subject = firstPassword ? 'Choose your password' : 'Reset your password';
  const validity = ttlMinutes % 60 === 0 ? `${ttlMinutes / 60} hour${ttlMinutes === 60 ? '' : 's'}` : `${ttlMinutes} minutes`;
  const text = [
    `Someone asked to ${action} for the account ${to}.`,
    '',
    `To ${action}, open this link within ${validity}:`,
    link,
    '',
    'If it was not you, ignore this mail: your password stays as it is.',
  ].join('\n');
  const html = `<p>Someone asked to ${action} for the account ${escapeHtml(to)}.</p>
<p><a href="${escapeHtml(link)}">${escapeHtml(subject)}</a> (valid for ${validity}).</p>
<p>If it was not you, ignore this mail: your password stays as it is.</p>`;
  return { to, subject, text, html };
}
