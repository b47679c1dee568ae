import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';

import type { Database, UsersTable } from './schema.js';

export type UserRow = Selectable<UsersTable>;

export async function insertUser(db: Kysely<Database>, user: Insertable<UsersTable>): Promise<void> {
  await db.insertInto('users').values(user).execute();
}

export function findUserById(db: Kysely<Database>, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/** `email` must already be normalised (trimmed, lowercased). */
export function findUserByEmail(db: Kysely<Database>, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
}

/** `username` must already be normalised (lowercased). */
export function findUserByUsername(db: Kysely<Database>, username: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
}

export async function recordSuccessfulLogin(
  db: Kysely<Database>,
  id: string,
  login: { at: string; ip: string },
): Promise<void> {
  await db
    .updateTable('users')
    .set((eb) => ({ last_login: login.at, last_ip: login.ip, logins_count: eb('logins_count', '+', 1) }))
    .where('id', '=', id)
    .execute();
}

export async function updateUserProfile(
  db: Kysely<Database>,
  id: string,
  changes: Pick<Updateable<UsersTable>, 'email' | 'email_verified' | 'name' | 'picture' | 'updated_at'>,
): Promise<void> {
  await db.updateTable('users').set(changes).where('id', '=', id).execute();
}
