/**
 * Accounts: sign-up under the configured policies; login by email or username, against local
 * hashes (ours or imported ones) or through the legacy identity store; social logins.
 */
import type { Kysely } from 'kysely';

import type { PasswordPolicy, SignupBody, User, UsernamePolicy } from '../../shared/api.js';
import type { SocialProviderSettings } from '../config.js';
import { checkUsername, evaluatePassword, looksLikeEmail, normalizeUsername } from '../../shared/policy/index.js';
import { findUserWithPassword, insertCredential, type UserWithPassword } from '../store/credentials-repository.js';
import { isUniqueViolation } from '../store/dialect.js';
import {
  findSignInMethods,
  findIdentity,
  insertIdentity,
  updateIdentityProfile,
  type IdentityRow,
  type SignInMethods,
} from '../store/identities-repository.js';
import type { Database } from '../store/schema.js';
import {
  findUserByEmail,
  findUserById,
  findUserByUsername,
  insertUser,
  recordSuccessfulLogin,
  updateUserProfile,
  type PublicUserRow,
  type UserRow,
} from '../store/users-repository.js';
import type { BruteForceGuard } from './abuse.js';
import { isoTime, type Clock } from './clock.js';
import type { CredentialService } from './credentials.js';
import type { LegacyProfile, LegacyStore } from './legacy-store.js';
import type { SecurityNotices } from './notices.js';
import { hashedCredential, needsRehash, verifyAgainstDummy, verifyStoredPassword, type StoredPassword } from './passwords.js';
import { ServiceError } from './service-error.js';
import type { ClientMeta } from './sessions.js';
import type { SocialProfile } from './social-providers.js';
import { DATABASE_PROVIDER, newUserId, newUserRow, toPublicUser } from './user-records.js';

export interface UserPolicies {
  signup: { enabled: boolean };
  username: UsernamePolicy;
  password: PasswordPolicy;
}

/**
 * A hash started now and perhaps never awaited (the sign-up was refused first): its failure, if
 * any, must not surface as an unhandled rejection; whoever awaits it still sees the failure.
 */
function startHashing(password: string): Promise<StoredPassword> {
  const hashing = hashedCredential(password);
  hashing.catch(() => undefined);
  return hashing;
}

export class UserService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly policies: UserPolicies,
    private readonly bruteForce: BruteForceGuard,
    private readonly credentials: CredentialService,
    private readonly legacy: LegacyStore | undefined,
    private readonly notices: SecurityNotices,
    private readonly clock: Clock,
  ) {}

  findById(id: string): Promise<UserRow | undefined> {
    return findUserById(this.db, id);
  }

  assertSignupOpen(): void {
    // In proxy mode the legacy store owns every account's password: nothing local can make one.
    if (!this.policies.signup.enabled || this.legacy?.mode === 'proxy') {
      throw new ServiceError('signup_disabled', 'Sign-up is turned off on this server.');
    }
  }

  /** Creates the user and their password credential together, or nothing at all. */
  async signUp(body: SignupBody): Promise<UserRow> {
    return this.createAccount(body, startHashing(body.password));
  }

  /**
   * The argon2id hash runs in libuv's thread pool while this thread checks the policy (the
   * zxcvbn-ts estimate costs about a tenth of a hash) and looks for an existing account, so a
   * sign-up takes about one hash, not a hash plus the checks. A refused sign-up has then spent a
   * hash, as a failed login does; sign-ups are rate limited like logins.
   */
  private async createAccount(body: SignupBody, hashing: Promise<StoredPassword>): Promise<UserRow> {
    this.assertSignupOpen();
    const { email, name } = body;
    const username = this.acceptableUsername(body.username);
    // A new account has no earlier passwords: the history rule holds by definition.
    const passwordCheck = await evaluatePassword(body.password, this.policies.password, {
      email,
      username,
      name,
      reusesRecentPassword: false,
    });
    if (!passwordCheck.ok) {
      throw new ServiceError('invalid_password', 'The password does not meet the password policy.', {
        rules: passwordCheck.rules,
      });
    }
    // The unique indexes still decide when two sign-ups race.
    await this.assertAvailable(email, username);
    await this.assertUnknownToLegacyStore(email, username);

    const credential = await hashing;
    const now = isoTime(this.clock);
    const user = newUserRow({
      id: newUserId(),
      email,
      origin: 'signup',
      created_at: now,
      username: username ?? null,
      name: name ?? null,
    });
    try {
      await this.db.transaction().execute(async (trx) => {
        await insertUser(trx, user);
        await insertCredential(trx, { user_id: user.id, ...credential, created_at: now, updated_at: now });
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
   * known user or not, costs one argon2 verification (or the legacy store's check) and answers the
   * same `invalid_credentials`. Blocked and must-reset accounts are only revealed to someone who
   * knows the password, except accounts imported without any password, which must reset.
   */
  async logIn(identifier: string, password: string, client: ClientMeta): Promise<UserRow> {
    const found = await this.findByIdentifier(identifier);
    const user = found?.user;
    const attemptKey = this.bruteForce.keyFor(identifier, client.ip);
    // Counted before the password is checked, so that racing guesses cannot exceed the allowance.
    const attempt = await this.bruteForce.beginAttempt(attemptKey, { userId: user?.id, ip: client.ip });
    const refused = (): ServiceError => {
      if (attempt.failureStartsBlock && user) {
        this.notices.accountBlocked(user.email, client.ip, this.bruteForce.maxAttempts, this.clock() + this.bruteForce.blockMilliseconds);
      }
      return new ServiceError('invalid_credentials', 'Wrong email, username or password.');
    };
    try {
      if (this.legacy?.mode === 'proxy' || (!user && this.legacy?.mode === 'migrate')) {
        const profile = await this.legacy.login(identifier.trim(), password);
        if (!profile) throw refused();
        await this.bruteForce.clear(attemptKey);
        return await this.completeLegacyLogin(this.legacy, profile, password, client);
      }
    } catch (error) {
      // The legacy store being down says nothing about the password: that attempt does not count.
      if (error instanceof ServiceError && error.code === 'legacy_store_unavailable') await this.bruteForce.withdrawAttempt(attemptKey);
      throw error;
    }

    const credential = found?.password;
    const valid = credential ? await verifyStoredPassword(credential, password) : await verifyAgainstDummy(password);
    if (user && !credential && user.password_reset_required) {
      throw new ServiceError('password_reset_required', 'This account must choose a password before logging in.');
    }
    if (!user || !credential || !valid) throw refused();
    await this.bruteForce.clear(attemptKey);

    if (user.blocked) throw new ServiceError('user_blocked', 'This account is blocked.');
    if (user.password_reset_required) {
      throw new ServiceError('password_reset_required', 'This account must choose a new password before logging in.');
    }
    // An imported hash, or one made with weaker parameters, is replaced now that we know the password.
    if (needsRehash(credential)) await this.credentials.upgradeHash(user.id, password);
    return this.recordLogin(user.id, client);
  }

  /**
   * With `signup.revealExisting: false`, sign-up answers the same whether the email had an
   * account or not: the new account's owner is welcomed by mail, the existing one's is told of the
   * attempt, and the existing case waits for the same argon2 hash a new account waits for.
   */
  async signUpWithoutRevealing(body: SignupBody): Promise<void> {
    const hashing = startHashing(body.password);
    try {
      const user = await this.createAccount(body, hashing);
      this.notices.accountCreated(user.email);
    } catch (error) {
      if (!(error instanceof ServiceError && error.code === 'user_exists' && error.details.field === 'email')) throw error;
      // The hash a new account would have waited for, started at the same moment: both answers take as long.
      await hashing;
      this.notices.signupWithExistingEmail(body.email);
    }
  }

  /**
   * The legacy store accepted the password. In `migrate` mode the account now moves here with the
   * password hashed by argon2id, and later logins are local; in `proxy` mode the store stays the
   * authority and only the profile is copied.
   */
  private async completeLegacyLogin(legacy: LegacyStore, profile: LegacyProfile, password: string, client: ClientMeta): Promise<UserRow> {
    const user = await this.adoptLegacyProfile(profile, legacy.mode === 'migrate' ? password : undefined);
    if (user.blocked) throw new ServiceError('user_blocked', 'This account is blocked.');
    return this.recordLogin(user.id, client);
  }

  /**
   * The local account of a legacy store's user: created (with the password, when given) the first
   * time, kept in step with the store's profile afterwards. The legacy id is kept: `auth0|<id>`.
   */
  async adoptLegacyProfile(profile: LegacyProfile, password?: string): Promise<UserRow> {
    const id = `${DATABASE_PROVIDER}|${profile.user_id}`;
    const now = isoTime(this.clock);
    const fields = {
      email: profile.email,
      email_verified: profile.email_verified ? 1 : 0,
      username: profile.username === undefined ? null : normalizeUsername(profile.username),
      name: profile.name ?? null,
      given_name: profile.given_name ?? null,
      family_name: profile.family_name ?? null,
      nickname: profile.nickname ?? null,
      picture: profile.picture ?? null,
      app_metadata: JSON.stringify(profile.app_metadata ?? {}),
      user_metadata: JSON.stringify(profile.user_metadata ?? {}),
    };
    const existing = await findUserById(this.db, id);
    if (existing) {
      await updateUserProfile(this.db, id, { ...fields, updated_at: now });
      return { ...existing, ...fields, updated_at: now };
    }
    const credential = password === undefined ? undefined : await hashedCredential(password);
    const user = newUserRow({ id, origin: 'legacy', created_at: now, ...fields });
    try {
      await this.db.transaction().execute(async (trx) => {
        await insertUser(trx, user);
        if (credential) await insertCredential(trx, { user_id: id, ...credential, created_at: now, updated_at: now });
      });
      return user;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // Two first logins of the same person raced, or the email belongs to another local account.
      const winner = await findUserById(this.db, id);
      if (winner) return winner;
      throw new ServiceError('email_in_use', 'Another account here already uses this email address.');
    }
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

    const user = newUserRow({
      id: `${provider.id}|${profile.providerUserId}`,
      email,
      origin: 'social',
      created_at: now,
      email_verified: profile.emailVerified ? 1 : 0,
      name: profile.name ?? null,
      picture: profile.picture ?? null,
    });
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
  async describe(user: PublicUserRow, signInMethods?: SignInMethods): Promise<User> {
    const { hasPassword, identities } = signInMethods ?? (await findSignInMethods(this.db, user.id));
    return toPublicUser(user, hasPassword, identities);
  }

  /** Counts a login (password or a session right after sign-up) and returns the updated row. */
  async recordLogin(userId: string, client: ClientMeta): Promise<UserRow> {
    const user = await recordSuccessfulLogin(this.db, userId, { at: isoTime(this.clock), ip: client.ip });
    if (!user) throw new Error(`User ${userId} vanished while logging in`);
    return user;
  }

  /** The account a login names (email, or username where usernames are on), with its password. */
  private findByIdentifier(identifier: string): Promise<UserWithPassword | undefined> {
    const trimmed = identifier.trim();
    if (looksLikeEmail(trimmed)) return findUserWithPassword(this.db, { email: trimmed.toLowerCase() });
    if (!this.policies.username.enabled) return Promise.resolve(undefined);
    return findUserWithPassword(this.db, { username: normalizeUsername(trimmed) });
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

  /** In `migrate` mode, an account that has not moved yet exists all the same. */
  private async assertUnknownToLegacyStore(email: string, username: string | undefined): Promise<void> {
    if (this.legacy?.mode !== 'migrate') return;
    if (await this.legacy.findUser(email)) {
      throw new ServiceError('user_exists', 'A user with this email already exists.', { field: 'email' });
    }
    if (username !== undefined && (await this.legacy.findUser(username))) {
      throw new ServiceError('user_exists', 'A user with this username already exists.', { field: 'username' });
    }
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
