import type { Insertable, Kysely, Selectable } from 'kysely';

import type { CredentialsTable, Database } from './schema.js';

export type CredentialRow = Selectable<CredentialsTable>;

export async function insertCredential(db: Kysely<Database>, credential: Insertable<CredentialsTable>): Promise<void> {
  await db.insertInto('credentials').values(credential).execute();
}

export function findCredential(db: Kysely<Database>, userId: string): Promise<CredentialRow | undefined> {
  return db.selectFrom('credentials').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

export async function replacePasswordHash(
  db: Kysely<Database>,
  userId: string,
  passwordHash: string,
  at: string,
): Promise<void> {
  await db
    .updateTable('credentials')
    .set({ password_hash: passwordHash, updated_at: at })
    .where('user_id', '=', userId)
    .execute();
}
