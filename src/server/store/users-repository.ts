import { sql, type ExpressionBuilder, type Insertable, type Kysely, type Selectable, type Updateable } from 'kysely';

import { insertInChunks } from './bulk-insert.js';
import { preparedQuery } from './prepared-query.js';
import type { Database, UserOrigin, UsersTable } from './schema.js';

export type UserRow = Selectable<UsersTable>;

/**
 * The columns the public API shows of a user (`toPublicUser`), and `blocked`, which decides
 * whether a session may show them: what a request that only describes its user needs to read.
 */
export const PUBLIC_USER_COLUMNS = [
  'users.id',
  'users.email',
  'users.email_verified',
  'users.username',
  'users.name',
  'users.picture',
  'users.blocked',
  'users.created_at',
  'users.updated_at',
  'users.last_login',
  'users.logins_count',
] as const;
export type PublicUserRow = Pick<UserRow, (typeof PUBLIC_USER_COLUMNS)[number] extends `users.${infer Column}` ? Column : never>;

export async function insertUser(db: Kysely<Database>, user: Insertable<UsersTable>): Promise<void> {
  await db.insertInto('users').values(user).execute();
}

/** Many users in a few multi-row statements of fixed shapes, as a bulk import writes a batch. */
export async function insertUsers(db: Kysely<Database>, users: readonly Insertable<UsersTable>[]): Promise<void> {
  await insertInChunks(db, 'users', users);
}

/** What a bulk import needs to know of a user it may collide with. */
export type UserKeys = Pick<UserRow, 'id' | 'email' | 'username' | 'import_job_id'>;

/**
 * The users holding any of these ids, emails or usernames (already normalised), in one query:
 * a bulk import asks once per batch instead of three times per row.
 */
export function findUsersByKeys(
  db: Kysely<Database>,
  keys: { ids: readonly string[]; emails: readonly string[]; usernames: readonly string[] },
): Promise<UserKeys[]> {
  const lists = [
    ['id', keys.ids],
    ['email', keys.emails],
    ['username', keys.usernames],
  ] as const;
  const asked = lists.filter(([, values]) => values.length > 0);
  if (asked.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('users')
    .select(['id', 'email', 'username', 'import_job_id'])
    .where((eb) => eb.or(asked.map(([column, values]) => eb(column, 'in', paddedToPowerOfTwo(values)))))
    .execute();
}

/**
 * The list lengthened to a power of two by repeating its last value, which changes no `in`: the
 * query then has a handful of SQL texts, each prepared once, instead of one per batch.
 */
function paddedToPowerOfTwo(values: readonly string[]): string[] {
  const padded = [...values];
  const last = values.at(-1);
  if (last === undefined) return padded;
  const size = 2 ** Math.ceil(Math.log2(values.length));
  while (padded.length < size) padded.push(last);
  return padded;
}

// Sign-up, social and legacy logins, password resets and the management API look users up one at a
// time by one of these keys: built and compiled once, not per call.
const selectUserById = preparedQuery(1, (db, id: string) => db.selectFrom('users').selectAll().where('id', '=', id));
const selectUserByEmail = preparedQuery(1, (db, email: string) => db.selectFrom('users').selectAll().where('email', '=', email));
const selectUserByUsername = preparedQuery(1, (db, username: string) => db.selectFrom('users').selectAll().where('username', '=', username));

export async function findUserById(db: Kysely<Database>, id: string): Promise<UserRow | undefined> {
  const [user] = await selectUserById(db, id);
  return user;
}

/** `email` must already be normalised (trimmed, lowercased). */
export async function findUserByEmail(db: Kysely<Database>, email: string): Promise<UserRow | undefined> {
  const [user] = await selectUserByEmail(db, email);
  return user;
}

/** `username` must already be normalised (lowercased). */
export async function findUserByUsername(db: Kysely<Database>, username: string): Promise<UserRow | undefined> {
  const [user] = await selectUserByUsername(db, username);
  return user;
}

const countLogin = preparedQuery(3, (db, id: string, at: string, ip: string) =>
  db
    .updateTable('users')
    .set((eb) => ({ last_login: at, last_ip: ip, logins_count: eb('logins_count', '+', 1) }))
    .where('id', '=', id)
    .returningAll(),
);

/** Counts a login and answers the user as it now is (undefined if there is no such user). */
export async function recordSuccessfulLogin(
  db: Kysely<Database>,
  id: string,
  login: { at: string; ip: string },
): Promise<UserRow | undefined> {
  const [user] = await countLogin(db, id, login.at, login.ip);
  return user;
}

export async function updateUserProfile(
  db: Kysely<Database>,
  id: string,
  changes: Pick<Updateable<UsersTable>, 'email' | 'email_verified' | 'name' | 'picture' | 'updated_at'>,
): Promise<void> {
  await db.updateTable('users').set(changes).where('id', '=', id).execute();
}

export async function setPasswordResetRequired(db: Kysely<Database>, id: string, required: boolean, at: string): Promise<void> {
  await db
    .updateTable('users')
    .set({ password_reset_required: required ? 1 : 0, updated_at: at })
    .where('id', '=', id)
    .execute();
}

export async function updateUser(db: Kysely<Database>, id: string, changes: Updateable<UsersTable>): Promise<void> {
  await db.updateTable('users').set(changes).where('id', '=', id).execute();
}

export async function deleteUser(db: Kysely<Database>, id: string): Promise<boolean> {
  const result = await db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

export type SearchableText = 'email' | 'username' | 'name' | 'given_name' | 'family_name' | 'nickname' | 'id';

export type SearchTerm =
  | { kind: 'text'; field: SearchableText | 'any'; match: 'exact' | 'prefix' | 'contains'; value: string }
  | { kind: 'flag'; field: 'blocked' | 'email_verified'; value: boolean };

export const SORTABLE_COLUMNS = ['created_at', 'updated_at', 'last_login', 'email', 'username', 'name', 'logins_count'] as const;
export type SortableColumn = (typeof SORTABLE_COLUMNS)[number];

/** LIKE treats % and _ as wildcards; what a user searches for is taken literally. */
function likePattern(value: string, match: 'prefix' | 'contains'): string {
  const literal = value.toLowerCase().replace(/[\\%_]/g, (character) => `\\${character}`);
  return match === 'prefix' ? `${literal}%` : `%${literal}%`;
}

function termCondition(eb: ExpressionBuilder<Database, 'users'>, term: SearchTerm) {
  if (term.kind === 'flag') return eb(term.field, '=', term.value ? 1 : 0);
  const columns: SearchableText[] = term.field === 'any' ? ['email', 'username', 'name'] : [term.field];
  return eb.or(
    columns.map((column) =>
      term.match === 'exact'
        ? eb(sql`lower(${sql.ref(column)})`, '=', term.value.toLowerCase())
        : eb(sql`lower(${sql.ref(column)})`, 'like', sql`${likePattern(term.value, term.match)} ESCAPE '\\'`),
    ),
  );
}

export interface UserSearch {
  terms: readonly SearchTerm[];
  sort: { column: SortableColumn; direction: 'asc' | 'desc' };
  offset: number;
  limit: number;
}

export function searchUsers(db: Kysely<Database>, search: UserSearch): Promise<UserRow[]> {
  return db
    .selectFrom('users')
    .selectAll()
    .where((eb) => eb.and(search.terms.map((term) => termCondition(eb, term))))
    .orderBy(search.sort.column, search.sort.direction)
    .orderBy('id', 'asc')
    .offset(search.offset)
    .limit(search.limit)
    .execute();
}

export async function countUsers(db: Kysely<Database>, terms: readonly SearchTerm[]): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where((eb) => eb.and(terms.map((term) => termCondition(eb, term))))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function countUsersByOrigin(db: Kysely<Database>): Promise<Partial<Record<UserOrigin, number>>> {
  const rows = await db
    .selectFrom('users')
    .select(['origin', (eb) => eb.fn.countAll<number>().as('count')])
    .groupBy('origin')
    .execute();
  return Object.fromEntries(rows.map((row) => [row.origin, Number(row.count)]));
}

/** Which of these users have a password. */
export async function usersWithPasswords(db: Kysely<Database>, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('credentials').select('user_id').where('user_id', 'in', ids).execute();
  return new Set(rows.map((row) => row.user_id));
}

/** The next page of users in id order, for walking the whole table in bounded memory. */
export function usersAfter(db: Kysely<Database>, afterId: string, limit: number): Promise<UserRow[]> {
  return db.selectFrom('users').selectAll().where('id', '>', afterId).orderBy('id').limit(limit).execute();
}
