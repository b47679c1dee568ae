/**
 * Changing passwords: the new one is hashed with argon2id, the old one moves to the history the
 * `history` rule reads, and the whole change is one transaction.
 */
import type { Kysely } from 'kysely';

import {
  addToPasswordHistory,
  findCredential,
  findCredentialForUpdate,
  putCredential,
  recentPasswordHistory,
  trimPasswordHistory,
} from '../store/credentials-repository.js';
import type { PasswordPolicy } from '../../shared/api.js';
import { evaluatePassword } from '../../shared/policy/index.js';
import type { Database } from '../store/schema.js';
import { isoTime, type Clock } from './clock.js';
import { hashedCredential, verifyStoredPassword } from './passwords.js';
import { ServiceError } from './service-error.js';

/** The most the `history` rule can ask for (design §4); older hashes are deleted. */
export const PASSWORD_HISTORY_KEPT = 24;

export class CredentialService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  /** Whether `password` is the user's current password or one of the `count - 1` before it. */
  async reusesRecentPassword(userId: string, password: string, count: number): Promise<boolean> {
    if (count <= 0) return false;
    const current = await findCredential(this.db, userId);
    const earlier = await recentPasswordHistory(this.db, userId, count - 1);
    for (const stored of [...(current ? [current] : []), ...earlier]) {
      if (await verifyStoredPassword(stored, password)) return true;
    }
    return false;
  }

  /**
   * Refuses a new password that breaks the policy, with every rule and whether it passed. For an
   * existing user (`who.id`) the history rule reads their earlier passwords; a new one has none.
   */
  async assertAcceptable(
    password: string,
    policy: PasswordPolicy,
    who: { id?: string | undefined; email: string; username?: string | null | undefined; name?: string | null | undefined },
  ): Promise<void> {
    const reused = who.id !== undefined && (await this.reusesRecentPassword(who.id, password, policy.history));
    const check = await evaluatePassword(password, policy, {
      email: who.email,
      username: who.username ?? undefined,
      name: who.name ?? undefined,
      reusesRecentPassword: reused,
    });
    if (!check.ok) {
      throw new ServiceError('invalid_password', 'The password does not meet the password policy.', { rules: check.rules });
    }
  }

  /** Sets a new password; the one it replaces joins the history. */
  async setPassword(userId: string, password: string): Promise<void> {
    const next = await hashedCredential(password);
    const now = isoTime(this.clock);
    await this.db.transaction().execute(async (trx) => {
      const current = await findCredentialForUpdate(trx, userId);
      if (current) await addToPasswordHistory(trx, current, now);
      await putCredential(trx, userId, next, now);
      await trimPasswordHistory(trx, userId, PASSWORD_HISTORY_KEPT);
    });
  }

  /** Replaces an outdated hash of the same password (an import, older parameters): no history. */
  async upgradeHash(userId: string, password: string): Promise<void> {
    await putCredential(this.db, userId, await hashedCredential(password), isoTime(this.clock));
  }
}
