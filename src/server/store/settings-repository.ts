import type { Kysely } from 'kysely';

import type { Database } from './schema.js';

/**
 * The value stored under `name`, created from `create()` the first time. When several servers
 * start at once, the first insert wins and every server reads that one.
 */
export async function getOrCreateSetting(
  db: Kysely<Database>,
  name: string,
  create: () => string,
  at: string,
): Promise<string> {
  await db
    .insertInto('server_settings')
    .values({ name, value: create(), created_at: at })
    .onConflict((conflict) => conflict.column('name').doNothing())
    .execute();
  const row = await db.selectFrom('server_settings').select('value').where('name', '=', name).executeTakeFirstOrThrow();
  return row.value;
}
