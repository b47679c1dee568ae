import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // The rest of Auth0's user profile, and where each account came from (for migration stats).
  await db.schema.alterTable('users').addColumn('given_name', 'varchar(150)').execute();
  await db.schema.alterTable('users').addColumn('family_name', 'varchar(150)').execute();
  await db.schema.alterTable('users').addColumn('nickname', 'varchar(300)').execute();
  await db.schema
    .alterTable('users')
    .addColumn('app_metadata', 'text', (column) => column.notNull().defaultTo('{}'))
    .execute();
  await db.schema
    .alterTable('users')
    .addColumn('user_metadata', 'text', (column) => column.notNull().defaultTo('{}'))
    .execute();
  await db.schema
    .alterTable('users')
    .addColumn('origin', 'varchar(16)', (column) => column.notNull().defaultTo('signup'))
    .execute();
  await db.schema.alterTable('users').addColumn('import_job_id', 'varchar(32)').execute();
  await db.schema.createIndex('users_origin').on('users').column('origin').execute();

  // `argon2id`: password_hash is our own PHC string. `imported`: password_hash is the imported
  // hash as JSON, verified in its own algorithm and replaced at the next login.
  await db.schema
    .alterTable('credentials')
    .addColumn('hash_format', 'varchar(16)', (column) => column.notNull().defaultTo('argon2id'))
    .execute();

  // Random text ids and timestamps for order: auto-increment is spelled differently by each engine.
  await db.schema
    .createTable('password_history')
    .addColumn('id', 'varchar(32)', (column) => column.primaryKey())
    .addColumn('user_id', 'varchar(320)', (column) => column.notNull().references('users.id').onDelete('cascade'))
    .addColumn('password_hash', 'text', (column) => column.notNull())
    .addColumn('hash_format', 'varchar(16)', (column) => column.notNull())
    .addColumn('created_at', 'varchar(32)', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('password_history_user_id').on('password_history').column('user_id').execute();

  await db.schema
    .createTable('password_reset_tokens')
    .addColumn('id', 'varchar(64)', (column) => column.primaryKey())
    .addColumn('user_id', 'varchar(320)', (column) => column.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('expires_at', 'bigint', (column) => column.notNull())
    .addColumn('used_at', 'bigint')
    .execute();
  await db.schema.createIndex('password_reset_tokens_user_id').on('password_reset_tokens').column('user_id').execute();

  await db.schema
    .createTable('outbox')
    .addColumn('id', 'varchar(32)', (column) => column.primaryKey())
    .addColumn('recipient', 'varchar(254)', (column) => column.notNull())
    .addColumn('subject', 'varchar(200)', (column) => column.notNull())
    .addColumn('text', 'text', (column) => column.notNull())
    .addColumn('html', 'text', (column) => column.notNull())
    .addColumn('created_at', 'varchar(32)', (column) => column.notNull())
    .execute();

  await db.schema
    .createTable('jobs')
    .addColumn('id', 'varchar(32)', (column) => column.primaryKey())
    .addColumn('type', 'varchar(16)', (column) => column.notNull())
    .addColumn('status', 'varchar(16)', (column) => column.notNull())
    .addColumn('connection_id', 'varchar(32)', (column) => column.notNull())
    .addColumn('options', 'text', (column) => column.notNull().defaultTo('{}'))
    .addColumn('file_path', 'text')
    .addColumn('rows_done', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('inserted', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('updated', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('failed', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('total', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('failure', 'text')
    .addColumn('created_at', 'varchar(32)', (column) => column.notNull())
    .addColumn('started_at', 'varchar(32)')
    .addColumn('completed_at', 'varchar(32)')
    .addColumn('heartbeat_at', 'bigint')
    .execute();
  await db.schema.createIndex('jobs_status').on('jobs').column('status').execute();

  await db.schema
    .createTable('job_errors')
    .addColumn('job_id', 'varchar(32)', (column) => column.notNull().references('jobs.id').onDelete('cascade'))
    .addColumn('row_index', 'integer', (column) => column.notNull())
    .addColumn('user', 'text', (column) => column.notNull())
    .addColumn('errors', 'text', (column) => column.notNull())
    .addPrimaryKeyConstraint('job_errors_pk', ['job_id', 'row_index'])
    .execute();

  // Existing social accounts were made by social logins.
  await sql`UPDATE users SET origin = 'social' WHERE id IN (SELECT user_id FROM identities) AND id NOT IN (SELECT user_id FROM credentials)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['job_errors', 'jobs', 'outbox', 'password_reset_tokens', 'password_history']) {
    await db.schema.dropTable(table).execute();
  }
  await db.schema.alterTable('credentials').dropColumn('hash_format').execute();
  await db.schema.dropIndex('users_origin').execute();
  for (const column of ['import_job_id', 'origin', 'user_metadata', 'app_metadata', 'nickname', 'family_name', 'given_name']) {
    await db.schema.alterTable('users').dropColumn(column).execute();
  }
}
