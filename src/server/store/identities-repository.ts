import type { ExpressionBuilder, Insertable, Kysely, Selectable } from 'kysely';

import { preparedQuery } from './prepared-query.js';
import type { Database, IdentitiesTable } from './schema.js';

export type IdentityRow = Selectable<IdentitiesTable>;

export function findIdentity(
  db: Kysely<Database>,
  provider: string,
  providerUserId: string,
): Promise<IdentityRow | undefined> {
  return db
    .selectFrom('identities')
    .selectAll()
    .where('provider', '=', provider)
    .where('provider_user_id', '=', providerUserId)
    .executeTakeFirst();
}

/**
 * The columns a query of `users` left-joined to `identities` selects to say how the user can sign
 * in (read back by signInMethodsOf): whether a password exists, and each identity. Order such a
 * query by `identities.created_at`.
 */
export function signInMethodColumns(eb: ExpressionBuilder<Database, 'users' | 'identities'>) {
  return [
    eb.exists(eb.selectFrom('credentials').select('credentials.user_id').whereRef('credentials.user_id', '=', 'users.id')).as('has_password'),
    eb.ref('identities.provider').as('provider'),
    eb.ref('identities.provider_user_id').as('provider_user_id'),
  ] as const;
}

const selectSignInMethods = preparedQuery(1, (db, userId: string) =>
  db
    .selectFrom('users')
    .leftJoin('identities', 'identities.user_id', 'users.id')
    .select(signInMethodColumns)
    .where('users.id', '=', userId)
    .orderBy('identities.created_at'),
);

export interface SignInMethods {
  hasPassword: boolean;
  /** Social identities, oldest first. */
  identities: Pick<IdentityRow, 'provider' | 'provider_user_id'>[];
}

/**
 * How a user can sign in (a password, social identities), in one query, for the responses that
 * describe a user (login, sign-up). Left-joined from the user, so a user without identities still
 * gives the one row that says whether a password exists. (`GET /api/session` reads the same with
 * the session, in sessions-repository.ts.)
 */
export async function findSignInMethods(db: Kysely<Database>, userId: string): Promise<SignInMethods> {
  return signInMethodsOf(await selectSignInMethods(db, userId));
}

/** One row per social identity of a user (or one row without any), as both queries give them. */
export interface SignInMethodRow {
  has_password: unknown;
  provider: string | null;
  provider_user_id: string | null;
}

/** Folds the rows of a user left-joined to its identities into how that user can sign in. */
export function signInMethodsOf(rows: readonly SignInMethodRow[]): SignInMethods {
  const identities: SignInMethods['identities'] = [];
  for (const { provider, provider_user_id } of rows) {
    if (provider !== null && provider_user_id !== null) identities.push({ provider, provider_user_id });
  }
  // SQLite answers EXISTS with 1 or 0, PostgreSQL with true or false.
  const hasPassword = rows[0]?.has_password;
  return { hasPassword: hasPassword === true || hasPassword === 1, identities };
}

export function findIdentitiesOfUsers(db: Kysely<Database>, userIds: readonly string[]): Promise<IdentityRow[]> {
  if (userIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('identities').selectAll().where('user_id', 'in', userIds).orderBy('created_at').execute();
}

export async function insertIdentity(db: Kysely<Database>, identity: Insertable<IdentitiesTable>): Promise<void> {
  await db.insertInto('identities').values(identity).execute();
}

export async function updateIdentityProfile(
  db: Kysely<Database>,
  provider: string,
  providerUserId: string,
  profileData: string,
  at: string,
): Promise<void> {
  await db
    .updateTable('identities')
    .set({ profile_data: profileData, updated_at: at })
    .where('provider', '=', provider)
    .where('provider_user_id', '=', providerUserId)
    .execute();
}

/** Records that a login flow came back; false when it had come back before (a replay). */
export async function markSocialFlowUsed(db: Kysely<Database>, id: string, expiresAt: number): Promise<boolean> {
  const inserted = await db
    .insertInto('used_social_flows')
    .values({ id, expires_at: expiresAt })
    .onConflict((conflict) => conflict.column('id').doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function deleteExpiredSocialFlows(db: Kysely<Database>, now: number): Promise<void> {
  await db.deleteFrom('used_social_flows').where('expires_at', '<', now).execute();
}
