import type { Kysely } from 'kysely';

// Migrations take Kysely<unknown>: they describe the schema as it was then, not as it is now.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'varchar(320)', (column) => column.primaryKey())
    .addColumn('email', 'varchar(254)', (column) => column.notNull().unique())
    .addColumn('email_verified', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('username', 'varchar(128)', (column) => column.unique())
    .addColumn('name', 'varchar(200)')
    .addColumn('picture', 'text')
    .addColumn('blocked', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('password_reset_required', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('created_at', 'varchar(32)', (column) => column.notNull())
    .addColumn('updated_at', 'varchar(32)', (column) => column.notNull())
    .addColumn('last_login', 'varchar(32)')
    .addColumn('last_ip', 'varchar(64)')
    .addColumn('logins_count', 'integer', (column) => column.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('credentials')
    .addColumn('user_id', 'varchar(320)', (column) => column.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('password_hash', 'text', (column) => column.notNull())
    .addColumn('created_at', 'varchar(32)', (column) => column.notNull())
    .addColumn('updated_at', 'varchar(32)', (column) => column.notNull())
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'varchar(64)', (column) => column.primaryKey())
    .addColumn('user_id', 'varchar(320)', (column) => column.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('last_seen_at', 'bigint', (column) => column.notNull())
    .addColumn('expires_at', 'bigint', (column) => column.notNull())
    .addColumn('ip', 'varchar(64)')
    .addColumn('user_agent', 'varchar(512)')
    .execute();
  await db.schema.createIndex('sessions_user_id').on('sessions').column('user_id').execute();
  await db.schema.createIndex('sessions_expires_at').on('sessions').column('expires_at').execute();

  await db.schema
    .createTable('rate_limits')
    .addColumn('key', 'varchar(128)', (column) => column.primaryKey())
    .addColumn('tat', 'double precision', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('rate_limits_tat').on('rate_limits').column('tat').execute();

  await db.schema
    .createTable('login_failures')
    .addColumn('key', 'varchar(128)', (column) => column.primaryKey())
    .addColumn('failures', 'integer', (column) => column.notNull())
    .addColumn('last_failure_at', 'bigint', (column) => column.notNull())
    .addColumn('blocked_until', 'bigint')
    .execute();
  await db.schema.createIndex('login_failures_last_failure_at').on('login_failures').column('last_failure_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['login_failures', 'rate_limits', 'sessions', 'credentials', 'users']) {
    await db.schema.dropTable(table).execute();
  }
}
