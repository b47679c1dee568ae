/**
 * The importer looks up a whole batch's collisions in one query and writes its new users with
 * one insert; it must end exactly where importing the same rows one at a time ends. Generated
 * files draw emails, usernames and user_ids from small pools, so that rows collide with each
 * other and with users already there, with and without upsert (an upsert that gives a user a new
 * username frees the old one for the rows after it), and the two runs are compared: counts,
 * error report, users and credentials.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';

import bcryptjs from 'bcryptjs';
import fc from 'fast-check';
import type { Kysely } from 'kysely';

import { UserImporter } from '../../src/server/services/user-import.js';
import { newUserRow } from '../../src/server/services/user-records.js';
import { migrateToLatest, openDatabase } from '../../src/server/store/database.js';
import { findJob, findJobErrors, insertJob } from '../../src/server/store/jobs-repository.js';
import type { Database } from '../../src/server/store/schema.js';
import { insertUsers } from '../../src/server/store/users-repository.js';

const SEED = 20261202;
const NOW = Date.parse('2026-12-02T10:00:00Z');
const JOB_ID = 'job_batches0000000001';
const HASH = bcryptjs.hashSync('Batch-Password-1', 4);

const row = fc.record(
  {
    email: fc.constantFrom('ann@batch.example', 'bob@batch.example', 'cy@batch.example', 'Old@Batch.example', 'broken'),
    username: fc.constantFrom('ann', 'bob', 'cy', 'old', 'NEW'),
    user_id: fc.constantFrom('u1', 'u2', 'old1'),
    name: fc.constantFrom('Ann', 'Bob Builder', 'Cy'),
    password_hash: fc.constant(HASH),
    app_metadata: fc.constantFrom({ plan: 'pro' }, { plan: 'free' }),
  },
  { requiredKeys: ['email'] },
);

async function freshDatabase(): Promise<Kysely<Database>> {
  const db = openDatabase('sqlite::memory:');
  await migrateToLatest(db);
  // Users already there: one whose email, username and id the files reuse, one holding "cy".
  await insertUsers(db, [
    newUserRow({ id: 'auth0|old1', email: 'old@batch.example', username: 'old', origin: 'signup', created_at: '2026-01-01T00:00:00.000Z' }),
    newUserRow({ id: 'auth0|seed', email: 'seed@batch.example', username: 'cy', origin: 'signup', created_at: '2026-01-01T00:00:00.000Z' }),
  ]);
  await insertJob(db, {
    id: JOB_ID,
    type: 'users_import',
    status: 'processing',
    connection_id: 'con_test',
    options: '{}',
    file_path: null,
    rows_done: 0,
    inserted: 0,
    updated: 0,
    failed: 0,
    total: 0,
    failure: null,
    created_at: new Date(NOW).toISOString(),
    started_at: null,
    completed_at: null,
    heartbeat_at: NOW,
    claimed_by: null,
  });
  return db;
}

/** Everything the import leaves behind, with generated ids made comparable. */
async function outcome(db: Kysely<Database>) {
  const job = await findJob(db, JOB_ID);
  const errors = (await findJobErrors(db, JOB_ID)).map((error) => ({ row: error.row_index, errors: JSON.parse(error.errors) as unknown }));
  const users = await db
    .selectFrom('users')
    .leftJoin('credentials', 'credentials.user_id', 'users.id')
    .select(['users.id', 'users.email', 'users.username', 'users.name', 'users.app_metadata', 'users.password_reset_required', 'users.import_job_id', 'users.updated_at', 'credentials.password_hash'])
    .orderBy('users.email')
    .execute();
  return {
    summary: { inserted: job?.inserted, updated: job?.updated, failed: job?.failed, rows: job?.rows_done },
    errors,
    users: users.map((user) => ({ ...user, id: /^auth0\|[0-9a-f]{24}$/.test(user.id) ? 'generated' : user.id })),
  };
}

async function importWithBatchSize(rows: readonly unknown[], upsert: boolean, batchSize: number) {
  const db = await freshDatabase();
  try {
    const job = await findJob(db, JOB_ID);
    assert.ok(job);
    const file = Readable.from([Buffer.from(JSON.stringify(rows))]);
    await new UserImporter(db, () => NOW, batchSize).run(job, file, upsert, () => {});
    return await outcome(db);
  } finally {
    await db.destroy();
  }
}

describe('import batches', () => {
  it('a batch ends exactly where the same rows imported one at a time end', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 14 }), fc.boolean(), fc.constantFrom(3, 500), async (rows, upsert, batchSize) => {
        const batched = await importWithBatchSize(rows, upsert, batchSize);
        const oneByOne = await importWithBatchSize(rows, upsert, 1);
        assert.deepEqual(batched, oneByOne);
      }),
      { seed: SEED, numRuns: 150 },
    );
  });

  it('an upsert that renames a user frees the old username for a later row of the same batch', async () => {
    const result = await importWithBatchSize(
      [
        { email: 'old@batch.example', username: 'renamed' },
        { email: 'new@batch.example', username: 'old' },
      ],
      true,
      500,
    );
    assert.deepEqual(result.summary, { inserted: 1, updated: 1, failed: 0, rows: 2 });
    assert.deepEqual(
      result.users.filter((user) => user.email !== 'seed@batch.example').map((user) => [user.email, user.username]),
      [
        ['new@batch.example', 'old'],
        ['old@batch.example', 'renamed'],
      ],
    );
  });
});
