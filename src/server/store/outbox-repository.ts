import { randomBytes } from 'node:crypto';

import type { Insertable, Kysely, Selectable } from 'kysely';

import type { Database, OutboxTable } from './schema.js';

export type OutboxRow = Selectable<OutboxTable>;

export async function insertOutboxMail(db: Kysely<Database>, mail: Omit<Insertable<OutboxTable>, 'id'>): Promise<void> {
  await db.insertInto('outbox').values({ id: randomBytes(12).toString('hex'), ...mail }).execute();
}

export function latestOutboxMails(db: Kysely<Database>, limit: number): Promise<OutboxRow[]> {
  return db.selectFrom('outbox').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}
