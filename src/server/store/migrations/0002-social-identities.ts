import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // A social identity belongs to one user; the provider's own user id is the key.
  await db.schema
    .createTable('identities')
    .addColumn('provider', 'varchar(40)', (column) => column.notNull())
    .addColumn('provider_user_id', 'varchar(255)', (column) => column.notNull())
    .addColumn('user_id', 'varchar(320)', (column) => column.notNull().references('users.id').onDelete('cascade'))
    .addColumn('profile_data', 'text', (column) => column.notNull())
    .addColumn('created_at', 'varchar(32)', (column) => column.notNull())
    .addColumn('updated_at', 'varchar(32)', (column) => column.notNull())
    .addPrimaryKeyConstraint('identities_pk', ['provider', 'provider_user_id'])
    .execute();
  await db.schema.createIndex('identities_user_id').on('identities').column('user_id').execute();

  // Social login flows that have come back once: a second use of the same flow is a replay.
  await db.schema
    .createTable('used_social_flows')
    .addColumn('id', 'varchar(64)', (column) => column.primaryKey())
    .addColumn('expires_at', 'bigint', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('used_social_flows_expires_at').on('used_social_flows').column('expires_at').execute();

  // Values the server makes for itself once (the cookie key, the connection id), shared by every
  // server on the database.
  await db.schema
    .createTable('server_settings')
    .addColumn('name', 'varchar(64)', (column) => column.primaryKey())
    .addColumn('value', 'varchar(255)', (column) => column.notNull())
    .addColumn('created_at', 'varchar(32)', (column) => column.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['server_settings', 'used_social_flows', 'identities']) {
    await db.schema.dropTable(table).execute();
  }
}
