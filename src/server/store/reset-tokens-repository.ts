import type { Kysely, Selectable } from 'kysely';

import type { Database, PasswordResetTokensTable } from './schema.js';

export type ResetTokenRow = Selectable<PasswordResetTokensTable>;

/** Stores a new token for the user; the user's earlier tokens stop working. */
export async function replaceResetToken(
  db: Kysely<Database>,
  token: { id: string; user_id: string; created_at: number; expires_at: number },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    // Two requests for the same user at once (on two servers, say) take turns on the user's row;
    // otherwise each would delete before the other inserted, and both tokens would stay usable.
    await trx.selectFrom('users').select('id').where('id', '=', token.user_id).forUpdate().executeTakeFirst();
    await trx.deleteFrom('password_reset_tokens').where('user_id', '=', token.user_id).execute();
    await trx.insertInto('password_reset_tokens').values({ ...token, used_at: null }).execute();
  });
}

export function findResetToken(db: Kysely<Database>, id: string): Promise<ResetTokenRow | undefined> {
  return db.selectFrom('password_reset_tokens').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Marks the token used if it is still usable; false when it was used (or expired) meanwhile. */
export async function consumeResetToken(db: Kysely<Database>, id: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('password_reset_tokens')
    .set({ used_at: now })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function deleteSpentResetTokens(db: Kysely<Database>, now: number): Promise<void> {
  await db
    .deleteFrom('password_reset_tokens')
    .where((eb) => eb.or([eb('expires_at', '<=', now), eb('used_at', 'is not', null)]))
    .execute();
}
