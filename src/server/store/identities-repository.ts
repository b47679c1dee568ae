import type { Insertable, Kysely, Selectable } from 'kysely';

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

export function findIdentitiesOfUser(db: Kysely<Database>, userId: string): Promise<IdentityRow[]> {
  return db.selectFrom('identities').selectAll().where('user_id', '=', userId).orderBy('created_at').execute();
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
