/**
 * Users as the Management API (`/api/v2/users`) sees them: list and search, get, create, update
 * (block, profile, metadata, password) and delete, in the shapes of Auth0's Management API v2.
 */
import type { Kysely, Updateable } from 'kysely';
import { z } from 'zod';

import { emailSchema, NAME_LENGTH_LIMIT, PASSWORD_FIELD_LIMIT, type PasswordPolicy, type UsernamePolicy } from '../../shared/api.js';
import { checkUsername, looksLikeEmail, normalizeUsername } from '../../shared/policy/index.js';
import { insertCredential } from '../store/credentials-repository.js';
import { isUniqueViolation } from '../store/dialect.js';
import { findIdentitiesOfUsers } from '../store/identities-repository.js';
import type { Database, UsersTable } from '../store/schema.js';
import {
  countUsers,
  countUsersByOrigin,
  deleteUser,
  findUserByEmail,
  findUserById,
  findUserByUsername,
  insertUser,
  searchUsers,
  SORTABLE_COLUMNS,
  updateUser,
  usersWithPasswords,
  type SortableColumn,
  type UserRow,
} from '../store/users-repository.js';
import type { BruteForceGuard } from './abuse.js';
import { isoTime, type Clock } from './clock.js';
import type { DatabaseConnection } from './connection.js';
import type { CredentialService } from './credentials.js';
import { hashedCredential } from './passwords.js';
import { ServiceError } from './service-error.js';
import type { SessionService } from './sessions.js';
import { parseUserQuery } from './user-search.js';
import { DATABASE_PROVIDER, mergeMetadata, newUserId, newUserRow, toManagementUser, type ManagementUser } from './user-records.js';

const METADATA_LIMIT_BYTES = 64 * 1024;
const metadataSchema = z
  .record(z.string(), z.unknown())
  .refine((value) => JSON.stringify(value).length <= METADATA_LIMIT_BYTES, `must be at most ${METADATA_LIMIT_BYTES} bytes of JSON`);
const text = (max: number) => z.string().trim().min(1).max(max);
const profileFields = {
  given_name: text(150),
  family_name: text(150),
  name: text(NAME_LENGTH_LIMIT),
  nickname: text(300),
  picture: z.url({ protocol: /^https?$/ }).max(2000),
};

export const createUserBodySchema = z.strictObject({
  connection: z.string().min(1),
  email: emailSchema,
  password: z.string().min(1).max(PASSWORD_FIELD_LIMIT).optional(),
  email_verified: z.boolean().optional(),
  /** Accepted as Auth0 takes it; this server sends no verification mail. */
  verify_email: z.boolean().optional(),
  username: z.string().max(256).optional(),
  given_name: profileFields.given_name.optional(),
  family_name: profileFields.family_name.optional(),
  name: profileFields.name.optional(),
  nickname: profileFields.nickname.optional(),
  picture: profileFields.picture.optional(),
  blocked: z.boolean().optional(),
  app_metadata: metadataSchema.optional(),
  user_metadata: metadataSchema.optional(),
  /** The id without its `auth0|` prefix, as in Auth0. */
  user_id: z.string().min(1).max(200).regex(/^[^|\s]+$/, 'must not contain "|" or spaces').optional(),
});
export type CreateUserBody = z.infer<typeof createUserBodySchema>;

export const updateUserBodySchema = z.strictObject({
  connection: z.string().min(1).optional(),
  email: z.optional(emailSchema),
  email_verified: z.boolean().optional(),
  verify_email: z.boolean().optional(),
  password: z.string().min(1).max(PASSWORD_FIELD_LIMIT).optional(),
  /** Accepted as Auth0 takes it; this server sends no verification mail. */
  verify_password: z.boolean().optional(),
  username: z.string().max(256).nullable().optional(),
  given_name: profileFields.given_name.nullable().optional(),
  family_name: profileFields.family_name.nullable().optional(),
  name: profileFields.name.nullable().optional(),
  nickname: profileFields.nickname.nullable().optional(),
  picture: profileFields.picture.nullable().optional(),
  blocked: z.boolean().optional(),
  app_metadata: metadataSchema.optional(),
  user_metadata: metadataSchema.optional(),
});
export type UpdateUserBody = z.infer<typeof updateUserBodySchema>;

export const listUsersQuerySchema = z.object({
  page: z.coerce.number().int().min(0).max(1000).default(0),
  per_page: z.coerce.number().int().min(1).max(100).default(50),
  include_totals: z.enum(['true', 'false']).default('false'),
  q: z.string().max(1000).optional(),
  search_engine: z.enum(['v1', 'v2', 'v3']).optional(),
  sort: z
    .string()
    .regex(new RegExp(`^(${SORTABLE_COLUMNS.join('|')}):(1|-1)$`), `must be field:1 or field:-1, field one of ${SORTABLE_COLUMNS.join(', ')}`)
    .optional(),
  connection: z.string().optional(),
  fields: z.string().max(1000).optional(),
  include_fields: z.enum(['true', 'false']).default('true'),
  primary_order: z.enum(['true', 'false']).optional(),
});
export type ListUsersQuery = z.infer<typeof listUsersQuerySchema>;

export interface UserPage {
  start: number;
  limit: number;
  length: number;
  total: number;
  users: Partial<ManagementUser>[];
}

export interface AdminUserSettings {
  password: PasswordPolicy;
  username: UsernamePolicy;
}

/** Keeps only the listed fields (or drops them, with include_fields=false), as Auth0's `fields` does. */
function project(user: ManagementUser, fields: string | undefined, include: boolean): Partial<ManagementUser> {
  if (!fields) return user;
  const names = new Set(fields.split(',').map((field) => field.trim()));
  return Object.fromEntries(Object.entries(user).filter(([key]) => names.has(key) === include));
}

export class AdminUserService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly settings: AdminUserSettings,
    private readonly connection: DatabaseConnection,
    private readonly credentials: CredentialService,
    private readonly sessions: SessionService,
    private readonly bruteForce: BruteForceGuard,
    private readonly clock: Clock,
  ) {}

  /**
   * Auth0's `user-blocks`: the addresses that brute-force protection blocks this account's logins
   * from. `identifier` is an email or a username, as Auth0 takes it.
   */
  async blocksOf(target: { id: string } | { identifier: string }): Promise<{ blocked_for: { identifier: string; ip: string; connection: string }[] }> {
    const user = await this.blockTarget(target);
    const blocks = await this.bruteForce.blocksOf(user.id);
    return {
      blocked_for: blocks.map((block) => ({ identifier: user.email, ip: block.ip, connection: this.connection.name })),
    };
  }

  async unblock(target: { id: string } | { identifier: string }): Promise<void> {
    const user = await this.blockTarget(target);
    await this.bruteForce.clearUser(user.id);
  }

  private async blockTarget(target: { id: string } | { identifier: string }): Promise<UserRow> {
    if ('id' in target) return this.existing(target.id);
    const identifier = target.identifier.trim();
    const user = looksLikeEmail(identifier)
      ? await findUserByEmail(this.db, identifier.toLowerCase())
      : await findUserByUsername(this.db, normalizeUsername(identifier));
    if (!user) throw new ServiceError('not_found', 'There is no user with this identifier.');
    return user;
  }

  async list(query: ListUsersQuery): Promise<UserPage | Partial<ManagementUser>[]> {
    await this.connection.assertIsThis({ connection: query.connection });
    const terms = query.q ? parseUserQuery(query.q) : [];
    const [column = 'created_at', direction = '1'] = (query.sort ?? 'created_at:1').split(':');
    const rows = await searchUsers(this.db, {
      terms,
      sort: { column: column as SortableColumn, direction: direction === '-1' ? 'desc' : 'asc' },
      offset: query.page * query.per_page,
      limit: query.per_page,
    });
    const users = (await this.describeAll(rows)).map((user) => project(user, query.fields, query.include_fields === 'true'));
    if (query.include_totals === 'false') return users;
    return {
      start: query.page * query.per_page,
      limit: query.per_page,
      length: users.length,
      total: await countUsers(this.db, terms),
      users,
    };
  }

  async get(id: string): Promise<ManagementUser> {
    return this.describe(await this.existing(id));
  }

  async getByEmail(email: string): Promise<ManagementUser[]> {
    const user = await findUserByEmail(this.db, email.trim().toLowerCase());
    return user ? [await this.describe(user)] : [];
  }

  async create(body: CreateUserBody): Promise<ManagementUser> {
    await this.connection.assertIsThis({ connection: body.connection });
    const username = this.acceptableUsername(body.username);
    if (body.password !== undefined) await this.assertPasswordAllowed(body.password, { email: body.email, username, name: body.name });
    const id = body.user_id === undefined ? newUserId() : `${DATABASE_PROVIDER}|${body.user_id}`;
    await this.assertAvailable({ email: body.email, username, id });

    const credential = body.password === undefined ? undefined : await hashedCredential(body.password);
    const now = isoTime(this.clock);
    const user = newUserRow({
      id,
      email: body.email,
      origin: 'management',
      created_at: now,
      email_verified: body.email_verified ? 1 : 0,
      username: username ?? null,
      given_name: body.given_name ?? null,
      family_name: body.family_name ?? null,
      name: body.name ?? null,
      nickname: body.nickname ?? null,
      picture: body.picture ?? null,
      blocked: body.blocked ? 1 : 0,
      app_metadata: JSON.stringify(body.app_metadata ?? {}),
      user_metadata: JSON.stringify(body.user_metadata ?? {}),
      // Without a password, the account's first step is choosing one.
      password_reset_required: credential ? 0 : 1,
    });
    try {
      await this.db.transaction().execute(async (trx) => {
        await insertUser(trx, user);
        if (credential) await insertCredential(trx, { user_id: id, ...credential, created_at: now, updated_at: now });
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      await this.assertAvailable({ email: body.email, username, id });
      throw error;
    }
    return this.describe(user);
  }

  async update(id: string, body: UpdateUserBody): Promise<ManagementUser> {
    const user = await this.existing(id);
    await this.connection.assertIsThis({ connection: body.connection });
    const changes: Updateable<UsersTable> = {};
    if (body.email !== undefined && body.email !== user.email) {
      await this.assertAvailable({ email: body.email });
      changes.email = body.email;
      // A changed address is unverified unless the caller says otherwise.
      changes.email_verified = 0;
    }
    if (body.email_verified !== undefined) changes.email_verified = body.email_verified ? 1 : 0;
    if (body.username !== undefined) {
      const username = body.username === null ? undefined : this.acceptableUsername(body.username);
      if (username !== undefined && username !== user.username) await this.assertAvailable({ username });
      changes.username = username ?? null;
    }
    for (const field of ['given_name', 'family_name', 'name', 'nickname', 'picture'] as const) {
      const value = body[field];
      if (value !== undefined) changes[field] = value;
    }
    if (body.blocked !== undefined) changes.blocked = body.blocked ? 1 : 0;
    if (body.app_metadata) changes.app_metadata = mergeMetadata(user.app_metadata, body.app_metadata);
    if (body.user_metadata) changes.user_metadata = mergeMetadata(user.user_metadata, body.user_metadata);

    if (body.password !== undefined) {
      await this.assertPasswordAllowed(body.password, user, id);
      await this.credentials.setPassword(id, body.password);
      changes.password_reset_required = 0;
    }
    changes.updated_at = isoTime(this.clock);
    try {
      await updateUser(this.db, id, changes);
    } catch (error) {
      if (isUniqueViolation(error)) throw new ServiceError('user_exists', 'Another user has this email or username.');
      throw error;
    }
    // A new password or a block ends every session the account had; a new password also lifts
    // brute-force blocks, as a reset does.
    if (body.password !== undefined || body.blocked === true) await this.sessions.revokeAllOf(id);
    if (body.password !== undefined) await this.bruteForce.clearUser(id);
    return this.get(id);
  }

  async delete(id: string): Promise<void> {
    // Sessions, credentials, identities and tokens go with the row (ON DELETE CASCADE).
    if (!(await deleteUser(this.db, id))) throw this.notFound(id);
  }

  /** How many accounts came from where: enough to tell when a migration can end. */
  async migrationStats(): Promise<Record<string, number>> {
    const byOrigin = await countUsersByOrigin(this.db);
    const count = (origin: keyof typeof byOrigin): number => byOrigin[origin] ?? 0;
    return {
      total: Object.values(byOrigin).reduce((sum, value) => sum + value, 0),
      migrated_from_legacy_store: count('legacy'),
      imported: count('import'),
      signed_up: count('signup'),
      created_by_management_api: count('management'),
      social: count('social'),
    };
  }

  describe(user: UserRow): Promise<ManagementUser> {
    return this.describeAll([user]).then(([described]) => described as ManagementUser);
  }

  /** Many users at once: two queries for all their identities and passwords, not two per user. */
  private async describeAll(rows: readonly UserRow[]): Promise<ManagementUser[]> {
    const ids = rows.map((row) => row.id);
    const [withPassword, identities] = await Promise.all([
      usersWithPasswords(this.db, ids),
      findIdentitiesOfUsers(this.db, ids),
    ]);
    return rows.map((row) =>
      toManagementUser(
        row,
        this.connection.name,
        withPassword.has(row.id),
        identities.filter((identity) => identity.user_id === row.id),
      ),
    );
  }

  private async existing(id: string): Promise<UserRow> {
    const user = await findUserById(this.db, id);
    if (!user) throw this.notFound(id);
    return user;
  }

  private notFound(id: string): ServiceError {
    return new ServiceError('not_found', `There is no user ${id}.`);
  }

  private acceptableUsername(username: string | undefined): string | undefined {
    if (username === undefined || username.trim() === '') return undefined;
    if (!this.settings.username.enabled) {
      throw new ServiceError('invalid_body', 'Usernames are not enabled on this connection.', { path: 'username' });
    }
    const check = checkUsername(username, this.settings.username);
    if (!check.ok) throw new ServiceError('invalid_username', 'The username does not meet the username policy.', { rules: check.rules });
    return normalizeUsername(username);
  }

  private assertPasswordAllowed(
    password: string,
    who: { email: string; username?: string | null | undefined; name?: string | null | undefined },
    existingUserId?: string,
  ): Promise<void> {
    return this.credentials.assertAcceptable(password, this.settings.password, { ...who, id: existingUserId });
  }


  private async assertAvailable(taken: { email?: string; username?: string | undefined; id?: string }): Promise<void> {
    if (taken.id !== undefined && (await findUserById(this.db, taken.id))) {
      throw new ServiceError('user_exists', 'A user with this id already exists.', { field: 'user_id' });
    }
    if (taken.email !== undefined && (await findUserByEmail(this.db, taken.email))) {
      throw new ServiceError('user_exists', 'A user with this email already exists.', { field: 'email' });
    }
    if (taken.username !== undefined && (await findUserByUsername(this.db, taken.username))) {
      throw new ServiceError('user_exists', 'A user with this username already exists.', { field: 'username' });
    }
  }
}
