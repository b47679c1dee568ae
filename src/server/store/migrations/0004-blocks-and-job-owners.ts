import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Whose account a failure streak is about, and from where, so that an administrator can list
  // and lift a user's blocks and a password reset can lift them. The key stays a hash: the
  // identifier as typed is never stored.
  await db.schema
    .alterTable('login_failures')
    .addColumn('user_id', 'varchar(320)', (column) => column.references('users.id').onDelete('cascade'))
    .execute();
  await db.schema.alterTable('login_failures').addColumn('ip', 'varchar(64)').execute();
  await db.schema.createIndex('login_failures_user_id').on('login_failures').column('user_id').execute();

  // Which process runs a job (`host:pid`), so that a restarted server can tell at once that the
  // process holding a job is gone, instead of waiting for the heartbeat to go stale.
  await db.schema.alterTable('jobs').addColumn('claimed_by', 'varchar(300)').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('jobs').dropColumn('claimed_by').execute();
  await db.schema.dropIndex('login_failures_user_id').execute();
  await db.schema.alterTable('login_failures').dropColumn('ip').execute();
  await db.schema.alterTable('login_failures').dropColumn('user_id').execute();
}
