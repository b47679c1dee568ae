import type { ExpressionBuilder, Insertable, Kysely, Selectable, Updateable } from 'kysely';

import type { Database, JobErrorsTable, JobsTable } from './schema.js';

export type JobRow = Selectable<JobsTable>;

export async function insertJob(db: Kysely<Database>, job: Insertable<JobsTable>): Promise<void> {
  await db.insertInto('jobs').values(job).execute();
}

export function findJob(db: Kysely<Database>, id: string): Promise<JobRow | undefined> {
  return db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateJob(db: Kysely<Database>, id: string, changes: Updateable<JobsTable>): Promise<void> {
  await db.updateTable('jobs').set(changes).where('id', '=', id).execute();
}

/**
 * Takes the oldest job that is waiting, or that was being run by a server which stopped
 * reporting (its heartbeat is older than `staleBefore`), in one statement: two servers can
 * never take the same job. On PostgreSQL the candidate row is locked and rows another server is
 * claiming right now are skipped, so that racing servers each take a different job instead of
 * queueing behind one row and coming away empty.
 */
export async function claimNextJob(
  db: Kysely<Database>,
  now: number,
  staleBefore: number,
  owner: string,
): Promise<JobRow | undefined> {
  const claimable = (eb: ExpressionBuilder<Database, 'jobs'>) =>
    eb.or([eb('status', '=', 'pending'), eb.and([eb('status', '=', 'processing'), eb('heartbeat_at', '<', staleBefore)])]);
  return db
    .updateTable('jobs')
    .set({ status: 'processing', heartbeat_at: now, claimed_by: owner })
    .where('id', '=', (eb) =>
      eb
        .selectFrom('jobs')
        .select('id')
        .where((inner) => claimable(inner))
        .orderBy('created_at')
        .orderBy('id')
        .limit(1)
        .forUpdate()
        .skipLocked(),
    )
    .where((eb) => claimable(eb))
    .returningAll()
    .executeTakeFirst();
}

export async function insertJobErrors(db: Kysely<Database>, rows: readonly Insertable<JobErrorsTable>[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('job_errors').values([...rows]).execute();
}

export function findJobErrors(db: Kysely<Database>, jobId: string): Promise<Selectable<JobErrorsTable>[]> {
  return db.selectFrom('job_errors').selectAll().where('job_id', '=', jobId).orderBy('row_index').execute();
}

/** Jobs being run by some process on this host, with the process that holds each. */
export async function findProcessingJobsOnHost(db: Kysely<Database>, host: string): Promise<Pick<JobRow, 'id' | 'claimed_by'>[]> {
  // Few jobs run at a time; a prefix test here avoids LIKE's escaping, which differs by engine.
  const running = await db.selectFrom('jobs').select(['id', 'claimed_by']).where('status', '=', 'processing').execute();
  return running.filter((job) => job.claimed_by?.startsWith(`${host}:`));
}

/** Puts a job back in the queue, provided the same process still holds it. */
export async function requeueJob(db: Kysely<Database>, id: string, heldBy: string): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({ status: 'pending', heartbeat_at: null, claimed_by: null })
    .where('id', '=', id)
    .where('status', '=', 'processing')
    .where('claimed_by', '=', heldBy)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
