/**
 * Accounts with a password: sign-up under the configured policies, and login by email or username.
 */
import { randomBytes } from 'node:crypto';

import type { Kysely } from 'kysely';

import type { PasswordPolicy, SignupBody, User, UsernamePolicy } from '../../shared/api.js';
import type { SocialProviderSettings } from '../config.js';
import { checkUsername, evaluatePassword, looksLikeEmail, normalizeUsername } from '../../shared/policy/index.js';
import { findCredential, insertCredential, replacePasswordHash } from '../store/credentials-repository.js';
import { isUniqueViolation } from '../store/errors.js';
import {
  findIdentitiesOfUser,
  findIdentity,
  insertIdentity,
  updateIdentityProfile,
  type IdentityRow,
} from '../store/identities-repository.js';
import type { Database } from '../store/schema.js';
import {
  findUserByEmail,
  findUserById,
  findUserByUsername,
  insertUser,
  recordSuccessfulLogin,
  updateUserProfile,
  type UserRow,
} from '../store/users-repository.js';
import type { BruteForceGuard } from './abuse.js';
import { isoTime, type Clock } from './clock.js';
import { hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from './passwords.js';
import { ServiceError } from './service-error.js';
import type { ClientMeta } from './sessions.js';
import type { SocialProfile } from './social-providers.js';

/**
 * Database users get Auth0's id shape, `auth0|` and 24 hex digits, so that applications migrating
 * from Auth0 keep the user ids they store as foreign keys, and new ids look like old ones.
 */
const DATABASE_PROVIDER = 'auth0';

function newUserId(): string {
  return `${DATABASE_PROVIDER}|${randomBytes(12).toString('hex')}`;
}

export interface UserPolicies {
  signup: { enabled: boolean };
  username: UsernamePolicy;
  password: PasswordPolicy;
}

export class UserService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly policies: UserPolicies,
    private readonly bruteForce: BruteForceGuard,
    private readonly clock: Clock,
  ) {}

  findById(id: string): Promise<UserRow | undefined> {
    return findUserById(this.db, id);
  }

  assertSignupOpen(): void {
    if (!this.policies.signup.enabled) {
      throw new ServiceError('signup_disabled', 'Sign-up is turned off on this server.');
    }
  }

  /** Creates the user and their password credential together, or nothing at all. */
  async signUp(body: SignupBody): Promise<UserRow> {
    this.assertSignupOpen();
    const { email, name } = body;
    const username = this.acceptableUsername(body.username);
    const passwordCheck = await evaluatePassword(body.password, this.policies.password, { email, username, name });
    if (!passwordCheck.ok) {
      throw new ServiceError('invalid_password', 'The password does not meet the password policy.', {
        rules: passwordCheck.rules,
      });
    }
    // Checked before hashing so that a duplicate costs no hash; the unique indexes still decide
    // when two sign-ups race.
    await this.assertAvailable(email, username);

    const passwordHash = await hashPassword(body.password);
    const now = isoTime(this.clock);
    const user: UserRow = {
      id: newUserId(),
      email,
      email_verified: 0,
      username: username ?? null,
      name: name ?? null,
      picture: null,
      blocked: 0,
      password_reset_required: 0,
      created_at: now,
      updated_at: now,
      last_login: null,
      last_ip: null,
      logins_count: 0,
    };
    try {
      await this.db.transaction().execute(async (trx) => {
        await insertUser(trx, user);
        await insertCredential(trx, { user_id: user.id, password_hash: passwordHash, created_at: now, updated_at: now });
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        await this.assertAvailable(email, username);
      }
      throw error;
    }
    return user;
  }

  /**
   * Checks an identifier (email, or username where usernames are on) and password. Every failure,
   * known user or not, costs one argon2 verification and answers the same `invalid_credentials`.
   * Blocked and must-reset accounts are only revealed to someone who knows the password.
   */
  async logIn(identifier: string, password: string, client: ClientMeta): Promise<UserRow> {
    const attemptKey = this.bruteForce.keyFor(identifier, client.ip);
    await this.bruteForce.assertNotBlocked(attemptKey);

    const user = await this.findByIdentifier(identifier);
    const credential = user ? await findCredential(this.db, user.id) : undefined;
    const valid = credential
      ? await verifyPassword(credential.password_hash, password)
      : await verifyAgainstDummy(password);
    if (!user || !credential || !valid) {
      await this.bruteForce.recordFailure(attemptKey);
      throw new ServiceError('invalid_credentials', 'Wrong email, username or password.');
    }
    await this.bruteForce.clear(attemptKey);

    if (user.blocked) throw new ServiceError('user_blocked', 'This account is blocked.');
    if (user.password_reset_required) {
      throw new ServiceError('password_reset_required', 'This account must choose a new password before logging in.');
    }
    if (needsRehash(credential.password_hash)) {
      await replacePasswordHash(this.db, user.id, await hashPassword(password), isoTime(this.clock));
    }
    return this.recordLogin(user.id, client);
  }

  /**
   * Logs in with a social identity. The first login creates the account (no password); later
   * ones find it by the identity and refresh the profile. An email that belongs to another
   * account is linked only where the provider allows it and both sides verified the address;
   * otherwise the login is refused with `email_in_use`, never linked silently.
   */
  async logInWithSocial(
    provider: Pick<SocialProviderSettings, 'id' | 'linkVerifiedEmails'>,
    profile: SocialProfile,
    client: ClientMeta,
  ): Promise<UserRow> {
    const now = isoTime(this.clock);
    const identity = await findIdentity(this.db, provider.id, profile.providerUserId);
    const userId = identity
      ? await this.refreshSocialProfile(identity, profile, now)
      : await this.createOrLinkSocialAccount(provider, profile, now);
    const user = await findUserById(this.db, userId);
    if (!user) throw new Error(`User ${userId} vanished while logging in`);
    if (user.blocked) throw new ServiceError('user_blocked', 'This account is blocked.');
    return this.recordLogin(userId, client);
  }

  private async createOrLinkSocialAccount(
    provider: Pick<SocialProviderSettings, 'id' | 'linkVerifiedEmails'>,
    profile: SocialProfile,
    now: string,
  ): Promise<string> {
    const { email } = profile;
    if (!email) {
      throw new ServiceError('social_email_missing', 'The provider did not share an email address for this account.');
    }
    const identity = {
      provider: provider.id,
      provider_user_id: profile.providerUserId,
      profile_data: JSON.stringify(profile.raw),
      created_at: now,
      updated_at: now,
    };
    const existing = await findUserByEmail(this.db, email);
    if (existing) {
      if (!(provider.linkVerifiedEmails && profile.emailVerified && existing.email_verified === 1)) {
        throw new ServiceError('email_in_use', 'An account with this email exists; log in to it first.');
      }
      return this.insertIdentityOrFindWinner({ ...identity, user_id: existing.id });
    }

    const user: UserRow = {
      id: `${provider.id}|${profile.providerUserId}`,
      email,
      email_verified: profile.emailVerified ? 1 : 0,
      username: null,
      name: profile.name ?? null,
      picture: profile.picture ?? null,
      blocked: 0,
      password_reset_required: 0,
      created_at: now,
      updated_at: now,
      last_login: null,
      last_ip: null,
      logins_count: 0,
    };
    try {
      await this.db.transaction().execute(async (trx) => {
        await insertUser(trx, user);
        await insertIdentity(trx, { ...identity, user_id: user.id });
      });
      return user.id;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // Either the same first login raced this one (the identity now exists) or someone took
      // the email in between.
      const winner = await findIdentity(this.db, provider.id, profile.providerUserId);
      if (winner) return winner.user_id;
      throw new ServiceError('email_in_use', 'An account with this email exists; log in to it first.');
    }
  }

  private async insertIdentityOrFindWinner(identity: IdentityRow): Promise<string> {
    try {
      await insertIdentity(this.db, identity);
      return identity.user_id;
    } catch (error) {
      const winner = isUniqueViolation(error)
        ? await findIdentity(this.db, identity.provider, identity.provider_user_id)
        : undefined;
      if (!winner) throw error;
      return winner.user_id;
    }
  }

  /**
   * Keeps what the provider says up to date. The account's own profile follows the provider only
   * when the account was made by this provider; a linked identity leaves it alone.
   */
  private async refreshSocialProfile(identity: IdentityRow, profile: SocialProfile, now: string): Promise<string> {
    await updateIdentityProfile(this.db, identity.provider, identity.provider_user_id, JSON.stringify(profile.raw), now);
    if (identity.user_id !== `${identity.provider}|${identity.provider_user_id}`) return identity.user_id;
    const user = await findUserById(this.db, identity.user_id);
    if (!user) return identity.user_id;
    const emailOwner = profile.email ? await findUserByEmail(this.db, profile.email) : undefined;
    const email = profile.email && (!emailOwner || emailOwner.id === user.id) ? profile.email : user.email;
    await updateUserProfile(this.db, user.id, {
      email,
      email_verified: email === profile.email ? (profile.emailVerified ? 1 : 0) : user.email_verified,
      name: profile.name ?? user.name,
      picture: profile.picture ?? user.picture,
      updated_at: now,
    });
    return user.id;
  }

  /** The user as the public API shows it, with every identity: password and social. */
  async describe(user: UserRow): Promise<User> {
    const [credential, identities] = await Promise.all([
      findCredential(this.db, user.id),
      findIdentitiesOfUser(this.db, user.id),
    ]);
    return toPublicUser(user, credential !== undefined, identities);
  }

  /** Counts a login (password or a session right after sign-up) and returns the updated row. */
  async recordLogin(userId: string, client: ClientMeta): Promise<UserRow> {
    await recordSuccessfulLogin(this.db, userId, { at: isoTime(this.clock), ip: client.ip });
    const user = await findUserById(this.db, userId);
    if (!user) throw new Error(`User ${userId} vanished while logging in`);
    return user;
  }

  private findByIdentifier(identifier: string): Promise<UserRow | undefined> {
    const trimmed = identifier.trim();
    if (looksLikeEmail(trimmed)) return findUserByEmail(this.db, trimmed.toLowerCase());
    if (!this.policies.username.enabled) return Promise.resolve(undefined);
    return findUserByUsername(this.db, normalizeUsername(trimmed));
  }

  /** The normalised username to store, or undefined; throws when the policy refuses it. */
  private acceptableUsername(username: string | undefined): string | undefined {
    const policy = this.policies.username;
    const given = username !== undefined && username.trim() !== '';
    if (given && !policy.enabled) {
      throw new ServiceError('invalid_body', 'Usernames are not enabled on this server.', { path: 'username' });
    }
    if (!given && !policy.required) return undefined;
    const check = checkUsername(username ?? '', policy);
    if (!check.ok) {
      throw new ServiceError('invalid_username', 'The username does not meet the username policy.', {
        rules: check.rules,
      });
    }
    return normalizeUsername(username ?? '');
  }

  private async assertAvailable(email: string, username: string | undefined): Promise<void> {
    if (await findUserByEmail(this.db, email)) {
      throw new ServiceError('user_exists', 'A user with this email already exists.', { field: 'email' });
    }
    if (username !== undefined && (await findUserByUsername(this.db, username))) {
      throw new ServiceError('user_exists', 'A user with this username already exists.', { field: 'username' });
    }
  }
}

/**
 * The user as the public API shows it (design §3); absent values are left out. A password is the
 * `auth0` identity, as in Auth0; social identities follow, oldest first.
 */
export function toPublicUser(row: UserRow, hasPassword: boolean, socialIdentities: readonly IdentityRow[]): User {
  const passwordIdentity = {
    provider: DATABASE_PROVIDER,
    user_id: row.id.startsWith(`${DATABASE_PROVIDER}|`) ? row.id.slice(DATABASE_PROVIDER.length + 1) : row.id,
  };
  return {
    user_id: row.id,
    email: row.email,
    email_verified: row.email_verified === 1,
    ...(row.username === null ? {} : { username: row.username }),
    ...(row.name === null ? {} : { name: row.name }),
    ...(row.picture === null ? {} : { picture: row.picture }),
    identities: [
      ...(hasPassword ? [passwordIdentity] : []),
      ...socialIdentities.map((identity) => ({ provider: identity.provider, user_id: identity.provider_user_id })),
    ],
    created_at: row.created_at,
    updated_at: row.updated_at,
    ...(row.last_login === null ? {} : { last_login: row.last_login }),
    logins_count: Number(row.logins_count),
  };
}
