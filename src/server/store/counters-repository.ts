/**
 * Abuse counters kept in the database, so that several servers share them: token buckets for rate
 * limits and consecutive login failures for brute-force protection. Each update is one atomic
 * statement, O(1) per request, in SQL that SQLite and PostgreSQL both accept.
 */
import { sql, type Kysely, type Selectable } from 'kysely';

import { preparedQuery } from './prepared-query.js';
import type { Database, LoginFailuresTable } from './schema.js';

export interface BucketVerdict {
  allowed: boolean;
  /** The bucket's theoretical arrival time after this request (epoch ms). */
  tat: number;
}

// Every rate-limited request runs it while rate limits are on (the default): built once (prepared-query.ts).
const upsertBucketToken = preparedQuery(5, (db, key: string, now: number, intervalMs: number, capacityMs: number, firstTat: number) => {
  const nextTat = sql<number>`(CASE WHEN rate_limits.tat > ${now} THEN rate_limits.tat ELSE ${now} END) + ${intervalMs}`;
  return db
    .insertInto('rate_limits')
    .values({ key, tat: firstTat })
    .onConflict((conflict) =>
      conflict
        .column('key')
        .doUpdateSet({ tat: nextTat })
        .where(sql<number>`${nextTat} - ${now}`, '<=', capacityMs),
    )
    .returning('tat');
});

/**
 * Takes one token with the generic cell rate algorithm: a request is allowed when the bucket's
 * theoretical arrival time, pushed one interval on, stays within `capacityMs` of now. The insert
 * and the conditional update are a single upsert, so concurrent requests cannot both take the
 * last token.
 */
export async function takeBucketToken(
  db: Kysely<Database>,
  key: string,
  now: number,
  intervalMs: number,
  capacityMs: number,
): Promise<BucketVerdict> {
  // A prepared query's values are stand-ins while it is built, so sums of them are made here.
  const [taken] = await upsertBucketToken(db, key, now, intervalMs, capacityMs, now + intervalMs);
  if (taken) return { allowed: true, tat: Number(taken.tat) };
  const current = await db.selectFrom('rate_limits').select('tat').where('key', '=', key).executeTakeFirst();
  return { allowed: false, tat: Number(current?.tat ?? now) };
}

/** Buckets whose arrival time has passed are full again: their rows say nothing and can go. */
export async function deleteFullBuckets(db: Kysely<Database>, now: number): Promise<void> {
  await db.deleteFrom('rate_limits').where('tat', '<', now).execute();
}

export type LoginFailureRow = Selectable<LoginFailuresTable>;

/**
 * Every login runs it while brute-force protection is on (the default): built once
 * (prepared-query.ts). Every value must stay a parameter: a value written into the SQL text
 * (Kysely writes a number given to `case … then` there) would make each login's statement new to
 * SQLite's statement cache.
 */
const upsertLoginAttempt = preparedQuery(
  7,
  (
    db,
    key: string,
    now: number,
    userId: string | null,
    ip: string,
    /** `blocked_until` of a streak's first failure: set at once when one attempt is the allowance. */
    firstBlock: number | null,
    /** The streak that the next failure turns into a block. */
    failuresBeforeBlock: number,
    blockUntil: number,
  ) =>
    db
      .insertInto('login_failures')
      .values({ key, failures: 1, last_failure_at: now, blocked_until: firstBlock, user_id: userId, ip })
      .onConflict((conflict) =>
        conflict.column('key').doUpdateSet((eb) => {
          const blockIsOver = eb.and([
            eb('login_failures.blocked_until', 'is not', null),
            eb('login_failures.blocked_until', '<=', now),
          ]);
          return {
            failures: eb.case().when(blockIsOver).then(1).else(eb('login_failures.failures', '+', 1)).end(),
            last_failure_at: now,
            user_id: userId,
            ip,
            blocked_until: eb
              .case()
              .when(blockIsOver)
              .then(firstBlock)
              .when('login_failures.blocked_until', 'is not', null)
              .then(eb.ref('login_failures.blocked_until'))
              .when('login_failures.failures', '>=', failuresBeforeBlock)
              .then(blockUntil)
              .else(null)
              .end(),
          };
        }),
      )
      .returningAll(),
);

/**
 * Counts a login attempt before its password is checked, in one atomic upsert, and returns the
 * streak with it: attempts racing each other, on this server or another, each get their own
 * number, so no more than `maxAttempts` of them can ever reach the password check. The attempt
 * that reaches `maxAttempts` sets the block at once; its success lifts it again (the caller
 * clears the row). A block that is over leaves nothing behind: the same statement starts the
 * streak again at one, so no reader can see the old block and act on it after it ended.
 */
export async function countLoginAttempt(
  db: Kysely<Database>,
  key: string,
  attempt: { now: number; userId: string | null; ip: string },
  maxAttempts: number,
  blockUntil: number,
): Promise<LoginFailureRow> {
  const { now, userId, ip } = attempt;
  // A prepared query's values are stand-ins while it is built: what depends on `maxAttempts` is worked out here.
  const [row] = await upsertLoginAttempt(db, key, now, userId, ip, maxAttempts <= 1 ? blockUntil : null, maxAttempts - 1, blockUntil);
  if (!row) throw new Error('Counting a login attempt returned no row');
  return row;
}

/** Takes one attempt back; a block that attempt set goes with it. */
export async function uncountLoginAttempt(db: Kysely<Database>, key: string, maxAttempts: number): Promise<void> {
  await db
    .updateTable('login_failures')
    .set((eb) => ({
      failures: eb('failures', '-', 1),
      blocked_until: eb.case().when('failures', '<=', maxAttempts).then(null).else(eb.ref('blocked_until')).end(),
    }))
    .where('key', '=', key)
    .where('failures', '>', 0)
    .execute();
}

// Every successful login runs it.
const deleteLoginFailures = preparedQuery(1, (db, key: string) => db.deleteFrom('login_failures').where('key', '=', key));

export async function clearLoginFailures(db: Kysely<Database>, key: string): Promise<void> {
  await deleteLoginFailures(db, key);
}

/** Lifts every block and forgets every failure streak about one account. */
export async function clearLoginFailuresOfUser(db: Kysely<Database>, userId: string): Promise<void> {
  await db.deleteFrom('login_failures').where('user_id', '=', userId).execute();
}

/** The blocks on one account that are still in force. */
export function findBlocksOfUser(db: Kysely<Database>, userId: string, now: number): Promise<LoginFailureRow[]> {
  return db
    .selectFrom('login_failures')
    .selectAll()
    .where('user_id', '=', userId)
    .where('blocked_until', '>', now)
    .orderBy('blocked_until', 'desc')
    .execute();
}

/** Forgets failure streaks that ended long ago and blocks that are over. */
export async function deleteStaleLoginFailures(db: Kysely<Database>, now: number, quietSince: number): Promise<void> {
  await db
    .deleteFrom('login_failures')
    .where((eb) =>
      eb.or([
        eb.and([eb('blocked_until', 'is', null), eb('last_failure_at', '<', quietSince)]),
        eb('blocked_until', '<=', now),
      ]),
    )
    .execute();
}
