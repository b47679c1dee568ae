import { randomBytes } from 'node:crypto';

import type { Insertable, Kysely, Selectable } from 'kysely';

import { insertInChunks } from './bulk-insert.js';
import { preparedQuery } from './prepared-query.js';
import type { CredentialsTable, Database, HashFormat } from './schema.js';
import type { UserRow } from './users-repository.js';

export type CredentialRow = Selectable<CredentialsTable>;

const insertCredentialRow = preparedQuery(
  5,
  (db, user_id: string, password_hash: string, hash_format: HashFormat, created_at: string, updated_at: string) =>
    db.insertInto('credentials').values({ user_id, password_hash, hash_format, created_at, updated_at }),
);

export async function insertCredential(db: Kysely<Database>, credential: Insertable<CredentialsTable>): Promise<void> {
  const { user_id, password_hash, hash_format, created_at, updated_at } = credential;
  await insertCredentialRow(db, user_id, password_hash, hash_format, created_at, updated_at);
}

/** Many credentials in a few multi-row statements of fixed shapes, for users a bulk import has just created. */
export async function insertCredentials(db: Kysely<Database>, credentials: readonly Insertable<CredentialsTable>[]): Promise<void> {
  await insertInChunks(db, 'credentials', credentials);
}

/** A user found for a password login, with the stored password when the account has one. */
export interface UserWithPassword {
  user: UserRow;
  password: Pick<CredentialRow, 'password_hash' | 'hash_format'> | undefined;
}

function selectUserWithPassword(db: Kysely<Database>) {
  return db
    .selectFrom('users')
    .leftJoin('credentials', 'credentials.user_id', 'users.id')
    .selectAll('users')
    .select(['credentials.password_hash as stored_password_hash', 'credentials.hash_format as stored_hash_format']);
}

const selectByEmailWithPassword = preparedQuery(1, (db, email: string) => selectUserWithPassword(db).where('users.email', '=', email));
const selectByUsernameWithPassword = preparedQuery(1, (db, username: string) =>
  selectUserWithPassword(db).where('users.username', '=', username),
);

/**
 * The user a login names and their stored password, in one query (a login reads nothing else
 * before the password check). `email` and `username` must already be normalised.
 */
export async function findUserWithPassword(
  db: Kysely<Database>,
  by: { email: string } | { username: string },
): Promise<UserWithPassword | undefined> {
  const [row] = 'email' in by ? await selectByEmailWithPassword(db, by.email) : await selectByUsernameWithPassword(db, by.username);
  if (!row) return undefined;
  const { stored_password_hash, stored_hash_format } = row;
  const password = stored_password_hash !== null && stored_hash_format !== null ? { password_hash: stored_password_hash, hash_format: stored_hash_format } : undefined;
  // The row (the user's columns and the two above) goes on as the user without a copy, which
  // would cost more than the query.
  return { user: row, password };
}

export function findCredential(db: Kysely<Database>, userId: string): Promise<CredentialRow | undefined> {
  return db.selectFrom('credentials').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

/**
 * The credential row, locked until the transaction `trx` ends: a password change reads the
 * current hash to move it to the history, and a concurrent change on another connection must
 * wait rather than move the same hash twice and lose its own.
 */
export function findCredentialForUpdate(trx: Kysely<Database>, userId: string): Promise<CredentialRow | undefined> {
  return trx.selectFrom('credentials').selectAll().where('user_id', '=', userId).forUpdate().executeTakeFirst();
}

export function findCredentialsOf(db: Kysely<Database>, userIds: readonly string[]): Promise<CredentialRow[]> {
  if (userIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('credentials').selectAll().where('user_id', 'in', userIds).execute();
}

/** Sets a user's password hash, creating the credential row if the user had none. */
export async function putCredential(
  db: Kysely<Database>,
  userId: string,
  hash: { password_hash: string; hash_format: HashFormat },
  at: string,
): Promise<void> {
  await db
    .insertInto('credentials')
    .values({ user_id: userId, ...hash, created_at: at, updated_at: at })
    .onConflict((conflict) => conflict.column('user_id').doUpdateSet({ ...hash, updated_at: at }))
    .execute();
}

export async function deleteCredential(db: Kysely<Database>, userId: string): Promise<void> {
  await db.deleteFrom('credentials').where('user_id', '=', userId).execute();
}

export async function addToPasswordHistory(db: Kysely<Database>, credential: CredentialRow, at: string): Promise<void> {
  await db
    .insertInto('password_history')
    .values({
      id: randomBytes(12).toString('hex'),
      user_id: credential.user_id,
      password_hash: credential.password_hash,
      hash_format: credential.hash_format,
      created_at: at,
    })
    .execute();
}

/** The user's earlier hashes, newest first. */
export function recentPasswordHistory(
  db: Kysely<Database>,
  userId: string,
  limit: number,
): Promise<{ password_hash: string; hash_format: HashFormat }[]> {
  return db
    .selectFrom('password_history')
    .select(['password_hash', 'hash_format'])
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** Keeps only the newest `keep` history entries of a user. */
export async function trimPasswordHistory(db: Kysely<Database>, userId: string, keep: number): Promise<void> {
  const kept = db
    .selectFrom('password_history')
    .select('id')
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(keep);
  await db.deleteFrom('password_history').where('user_id', '=', userId).where('id', 'not in', kept).execute();
}
