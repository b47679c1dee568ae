/**
 * User rows and how the APIs show them: one place for the defaults of a new account, the public
 * shape (design §3) and the Management API shape (Auth0's users).
 */
import { randomBytes } from 'node:crypto';

import type { User } from '../../shared/api.js';
import type { IdentityRow } from '../store/identities-repository.js';
import type { PublicUserRow, UserRow } from '../store/users-repository.js';

/**
 * Database users get Auth0's id shape, `auth0|` and an id, so that applications migrating from
 * Auth0 keep the user ids they store as foreign keys, and new ids look like old ones.
 */
export const DATABASE_PROVIDER = 'auth0';

export function newUserId(): string {
  return `${DATABASE_PROVIDER}|${randomBytes(12).toString('hex')}`;
}

/** A new account's row: what the caller knows, and empty defaults for the rest. */
export function newUserRow(
  fields: Pick<UserRow, 'id' | 'email' | 'origin' | 'created_at'> & Partial<UserRow>,
): UserRow {
  return {
    email_verified: 0,
    username: null,
    name: null,
    given_name: null,
    family_name: null,
    nickname: null,
    picture: null,
    blocked: 0,
    password_reset_required: 0,
    updated_at: fields.created_at,
    last_login: null,
    last_ip: null,
    logins_count: 0,
    app_metadata: '{}',
    user_metadata: '{}',
    import_job_id: null,
    ...fields,
  };
}

export type Metadata = Record<string, unknown>;

export function parseMetadata(text: string): Metadata {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Metadata) : {};
  } catch {
    return {};
  }
}

/**
 * Auth0's metadata update: top-level keys of the patch replace those of the stored object, and a
 * key set to null is removed.
 */
export function mergeMetadata(stored: string, patch: Metadata): string {
  const merged = { ...parseMetadata(stored), ...patch };
  for (const [key, value] of Object.entries(patch)) if (value === null) delete merged[key];
  return JSON.stringify(merged);
}

/** The id of a user's password identity: the user id without Auth0's `auth0|` prefix. */
function databaseIdentityId(row: Pick<UserRow, 'id'>): string {
  return row.id.startsWith(`${DATABASE_PROVIDER}|`) ? row.id.slice(DATABASE_PROVIDER.length + 1) : row.id;
}

/**
 * The user as the public API shows it (design §3); absent values are left out. A password is the
 * `auth0` identity, as in Auth0; social identities follow, oldest first.
 */
export function toPublicUser(row: PublicUserRow, hasPassword: boolean, socialIdentities: readonly Pick<IdentityRow, 'provider' | 'provider_user_id'>[]): User {
  return {
    user_id: row.id,
    email: row.email,
    email_verified: row.email_verified === 1,
    ...(row.username === null ? {} : { username: row.username }),
    ...(row.name === null ? {} : { name: row.name }),
    ...(row.picture === null ? {} : { picture: row.picture }),
    identities: [
      ...(hasPassword ? [{ provider: DATABASE_PROVIDER, user_id: databaseIdentityId(row) }] : []),
      ...socialIdentities.map((identity) => ({ provider: identity.provider, user_id: identity.provider_user_id })),
    ],
    created_at: row.created_at,
    updated_at: row.updated_at,
    ...(row.last_login === null ? {} : { last_login: row.last_login }),
    logins_count: Number(row.logins_count),
  };
}

export interface ManagementIdentity {
  connection: string;
  provider: string;
  user_id: string;
  isSocial: boolean;
}

/** Auth0's Management API v2 user, as its SDK and migration scripts expect it. */
export interface ManagementUser {
  user_id: string;
  email: string;
  email_verified: boolean;
  username?: string;
  given_name?: string;
  family_name?: string;
  name?: string;
  nickname?: string;
  picture?: string;
  identities: ManagementIdentity[];
  app_metadata: Metadata;
  user_metadata: Metadata;
  blocked: boolean;
  created_at: string;
  updated_at: string;
  last_login?: string;
  last_ip?: string;
  logins_count: number;
}

export function toManagementUser(
  row: UserRow,
  connectionName: string,
  hasPassword: boolean,
  socialIdentities: readonly IdentityRow[],
): ManagementUser {
  const optional = <Key extends string>(key: Key, value: string | null) => (value === null ? {} : { [key]: value });
  // Auth0 lists a database user's password identity even before a password is set.
  const isDatabaseUser = hasPassword || row.id.startsWith(`${DATABASE_PROVIDER}|`);
  return {
    user_id: row.id,
    email: row.email,
    email_verified: row.email_verified === 1,
    ...optional('username', row.username),
    ...optional('given_name', row.given_name),
    ...optional('family_name', row.family_name),
    ...optional('name', row.name),
    ...optional('nickname', row.nickname),
    ...optional('picture', row.picture),
    identities: [
      ...(isDatabaseUser
        ? [{ connection: connectionName, provider: DATABASE_PROVIDER, user_id: databaseIdentityId(row), isSocial: false }]
        : []),
      ...socialIdentities.map((identity) => ({
        connection: identity.provider,
        provider: identity.provider,
        user_id: identity.provider_user_id,
        isSocial: true,
      })),
    ],
    app_metadata: parseMetadata(row.app_metadata),
    user_metadata: parseMetadata(row.user_metadata),
    blocked: row.blocked === 1,
    created_at: row.created_at,
    updated_at: row.updated_at,
    ...optional('last_login', row.last_login),
    ...optional('last_ip', row.last_ip),
    logins_count: Number(row.logins_count),
  };
}
