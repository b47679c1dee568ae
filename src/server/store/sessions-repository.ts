import type { Insertable, Kysely, Selectable } from 'kysely';

import type { Database, SessionsTable } from './schema.js';
import { PUBLIC_USER_COLUMNS, type PublicUserRow } from './users-repository.js';
import { signInMethodColumns, signInMethodsOf, type SignInMethods } from './identities-repository.js';
import { preparedQuery } from './prepared-query.js';

export type SessionRow = Selectable<SessionsTable>;

const insertSessionRow = preparedQuery(
  7,
  (db, id: string, user_id: string, created_at: number, last_seen_at: number, expires_at: number, ip: string | null, user_agent: string | null) =>
    db.insertInto('sessions').values({ id, user_id, created_at, last_seen_at, expires_at, ip, user_agent }),
);

export async function insertSession(db: Kysely<Database>, session: Insertable<SessionsTable>): Promise<void> {
  const { id, user_id, created_at, last_seen_at, expires_at, ip = null, user_agent = null } = session;
  await insertSessionRow(db, id, user_id, created_at, last_seen_at, expires_at, ip, user_agent);
}

const selectSessionWithUser = preparedQuery(1, (db, id: string) =>
  db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .leftJoin('identities', 'identities.user_id', 'users.id')
    // Not the metadata and the other columns a session's answer never shows (each page load with
    // the widget runs this query): a quarter less time in SQLite, far less with large metadata.
    .select(PUBLIC_USER_COLUMNS)
    .select(['sessions.expires_at as session_expires_at', 'sessions.last_seen_at as session_last_seen_at'])
    .select(signInMethodColumns)
    .where('sessions.id', '=', id)
    .orderBy('identities.created_at'),
);

export interface SessionWithUser {
  session: Pick<SessionRow, 'expires_at' | 'last_seen_at'>;
  user: PublicUserRow;
  signInMethods: SignInMethods;
}

/**
 * A session, its user and how that user can sign in, in one query: `GET /api/session` is the
 * request a page with the widget makes on every load, and this is all it reads. One row per social
 * identity (the user's columns repeated), or one row without any. (A session cannot outlive its
 * user: deleting a user deletes its sessions.)
 */
export async function findSessionWithUser(db: Kysely<Database>, id: string): Promise<SessionWithUser | undefined> {
  const rows = await selectSessionWithUser(db, id);
  const [first] = rows;
  if (!first) return undefined;
  return {
    session: { expires_at: first.session_expires_at, last_seen_at: first.session_last_seen_at },
    // The row is the user's public columns and a few more; it goes on as the user as it is.
    // (Copying it without the others, by rest destructuring, cost this request more than the
    // query itself.)
    user: first,
    signInMethods: signInMethodsOf(rows),
  };
}

export async function touchSession(db: Kysely<Database>, id: string, at: number): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: at }).where('id', '=', id).execute();
}

export async function deleteSession(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', id).execute();
}

export async function deleteSessionsOfUser(db: Kysely<Database>, userId: string): Promise<void> {
  await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
}

/** Removes sessions past their absolute end or idle since before `idleCutoff`. */
export async function deleteEndedSessions(db: Kysely<Database>, now: number, idleCutoff: number): Promise<number> {
  const result = await db
    .deleteFrom('sessions')
    .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', idleCutoff)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
