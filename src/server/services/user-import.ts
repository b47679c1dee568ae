/**
 * Bulk import of users in Auth0's user-import format, row by row from a streamed file. Each
 * batch of rows is one transaction together with the job's progress and error report, so a crash
 * leaves every row either fully imported (and counted) or not started: a resumed job starts at
 * the first row that was not committed, and no user is ever half written.
 */
import type { Insertable, Kysely, Updateable } from 'kysely';
import { z } from 'zod';

import { EMAIL_LENGTH_LIMIT, EMAIL_PATTERN, emailSchema, NAME_LENGTH_LIMIT } from '../../shared/api.js';
import { checkUsername, normalizeUsername, resolveUsernamePolicy } from '../../shared/policy/index.js';
import { insertCredentials, putCredential } from '../store/credentials-repository.js';
import { insertJobErrors, updateJob, type JobRow } from '../store/jobs-repository.js';
import type { CredentialsTable, Database, JobErrorsTable, UsersTable } from '../store/schema.js';
import { findUsersByKeys, insertUsers, updateUser, type UserKeys } from '../store/users-repository.js';
import { isoTime, type Clock } from './clock.js';
import { bcryptHashSchema, bcryptProblem, customPasswordHashSchema, type ImportedHash } from './imported-hashes.js';
import { findJsonFlaw } from './json-flaws.js';
import { importedCredential } from './passwords.js';
import { readUserFile } from './user-file-reader.js';
import { DATABASE_PROVIDER, newUserId, newUserRow } from './user-records.js';

/** Rows per transaction: large enough to amortise the commit, small enough to lose little on a crash. */
export const IMPORT_BATCH_SIZE = 500;
const METADATA_LIMIT_BYTES = 64 * 1024;

const metadataSchema = z
  .record(z.string(), z.unknown())
  .refine((value) => JSON.stringify(value).length <= METADATA_LIMIT_BYTES, {
    message: `must be at most ${METADATA_LIMIT_BYTES} bytes of JSON`,
  });
const text = (max: number) => z.string().trim().min(1).max(max);
const TEXT_LIMITS = { given_name: 150, family_name: 150, name: NAME_LENGTH_LIMIT, nickname: 300 } as const;
const USER_ID_LIMIT = 200;
const USER_ID_PATTERN = /^[^|\s]+$/;
const USERNAME_LIMIT = 128;

/** One row of Auth0's user-import file: these fields and no others. */
export const importRowSchema = z
  .strictObject({
    email: emailSchema,
    email_verified: z.boolean().optional(),
    user_id: z.string().min(1).max(USER_ID_LIMIT).regex(USER_ID_PATTERN, 'must not contain "|" or spaces').optional(),
    username: z.string().min(1).max(USERNAME_LIMIT).optional(),
    given_name: text(TEXT_LIMITS.given_name).optional(),
    family_name: text(TEXT_LIMITS.family_name).optional(),
    name: text(TEXT_LIMITS.name).optional(),
    nickname: text(TEXT_LIMITS.nickname).optional(),
    picture: z.url({ protocol: /^https?$/ }).max(2000).optional(),
    blocked: z.boolean().optional(),
    app_metadata: metadataSchema.optional(),
    user_metadata: metadataSchema.optional(),
    password_hash: bcryptHashSchema.optional(),
    custom_password_hash: customPasswordHashSchema.optional(),
  })
  .refine((row) => row.password_hash === undefined || row.custom_password_hash === undefined, {
    message: 'give password_hash or custom_password_hash, not both',
    path: ['custom_password_hash'],
  });
export type ImportRow = z.infer<typeof importRowSchema>;

/**
 * The common row, checked by hand: what importRowSchema would make of `value`, when every field
 * is one this knows and valid; undefined for anything else (a field it leaves to zod, such as
 * `picture` or `custom_password_hash`, an unknown or invalid one), which importRowSchema then
 * parses and reports as before. It must never accept what the schema refuses nor give other
 * data (test/server/import-quick-check.test.ts holds it to that); zod's generality costs more
 * per row than the rest of the row checks together.
 */
export function quickImportRow(value: unknown): ImportRow | undefined {
  if (!isPlainObject(value)) return undefined;
  const row: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const field = value[key];
    switch (key) {
      case 'email': {
        if (typeof field !== 'string') return undefined;
        const email = field.trim().toLowerCase();
        if (email.length < 3 || email.length > EMAIL_LENGTH_LIMIT || !EMAIL_PATTERN.test(email)) return undefined;
        row.email = email;
        break;
      }
      case 'email_verified':
      case 'blocked':
        if (typeof field !== 'boolean') return undefined;
        row[key] = field;
        break;
      case 'user_id':
        if (typeof field !== 'string' || field.length < 1 || field.length > USER_ID_LIMIT || !USER_ID_PATTERN.test(field)) return undefined;
        row.user_id = field;
        break;
      case 'username':
        if (typeof field !== 'string' || field.length < 1 || field.length > USERNAME_LIMIT) return undefined;
        row.username = field;
        break;
      case 'given_name':
      case 'family_name':
      case 'name':
      case 'nickname': {
        if (typeof field !== 'string') return undefined;
        const trimmed = field.trim();
        if (trimmed.length < 1 || trimmed.length > TEXT_LIMITS[key]) return undefined;
        row[key] = trimmed;
        break;
      }
      case 'app_metadata':
      case 'user_metadata': {
        if (!isPlainObject(field)) return undefined;
        const copy = { ...field };
        if (JSON.stringify(copy).length > METADATA_LIMIT_BYTES) return undefined;
        row[key] = copy;
        break;
      }
      case 'password_hash':
        if (typeof field !== 'string' || bcryptProblem(field) !== undefined) return undefined;
        row.password_hash = field;
        break;
      default:
        return undefined;
    }
  }
  return row.email === undefined ? undefined : (row as ImportRow);
}

/** An object as JSON.parse makes one. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

export interface RowError {
  code: string;
  message: string;
  path: string;
}

/** Auth0 reports rows with its JSON-schema validator's codes; zod's issues map onto them. */
function rowErrors(issues: readonly z.core.$ZodIssue[], value: unknown): RowError[] {
  return issues.flatMap((issue) => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        code: 'OBJECT_ADDITIONAL_PROPERTIES',
        message: `Unknown field "${key}"`,
        path: [path, key].filter(Boolean).join('.'),
      }));
    }
    const given = issue.path.reduce<unknown>(
      (node, key) => (typeof node === 'object' && node !== null ? (node as Record<PropertyKey, unknown>)[key] : undefined),
      value,
    );
    const code = (() => {
      switch (issue.code) {
        case 'invalid_type':
          return given === undefined ? 'OBJECT_MISSING_REQUIRED_PROPERTY' : 'INVALID_TYPE';
        case 'too_small':
          return issue.origin === 'string' ? 'MIN_LENGTH' : issue.origin === 'array' ? 'ARRAY_LENGTH_SHORT' : 'MINIMUM';
        case 'too_big':
          return issue.origin === 'string' ? 'MAX_LENGTH' : issue.origin === 'array' ? 'ARRAY_LENGTH_LONG' : 'MAXIMUM';
        case 'invalid_format':
          return issue.format === 'regex' ? 'PATTERN' : 'FORMAT';
        case 'invalid_value':
          return 'ENUM_MISMATCH';
        case 'invalid_union':
          return 'ANY_OF_MISSING';
        case 'custom': {
          const importCode: unknown = issue.params?.importCode;
          return typeof importCode === 'string' ? importCode : 'NOT_PASSED';
        }
        default:
          return 'NOT_PASSED';
      }
    })();
    return [{ code, message: issue.message, path }];
  });
}

/** The row as reported back: never with its password hash. */
function reportable(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const { password_hash: _bcrypt, custom_password_hash: _custom, ...rest } = value as Record<string, unknown>;
  return rest;
}

/** Usernames as Auth0 allows them on import: 1 to 128 of the usual characters, never an email. */
const IMPORT_USERNAME_POLICY = resolveUsernamePolicy({ enabled: true, maxLength: 128 });

interface RowOutcome {
  result: 'inserted' | 'updated' | 'failed';
  errors?: RowError[];
}

export interface ImportProgress {
  rowsDone: number;
  inserted: number;
  updated: number;
  failed: number;
}

export class UserImporter {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    /** Rows per transaction; tests compare other sizes with one row at a time. */
    private readonly batchSize = IMPORT_BATCH_SIZE,
  ) {}

  /**
   * Imports the rows of `source` from `job.rows_done` on, committing each batch with the job's
   * counters. `onBatch` hears of the progress after each commit (and may stop the run by throwing).
   */
  async run(
    job: JobRow,
    source: AsyncIterable<Uint8Array | string>,
    upsert: boolean,
    onBatch: (progress: ImportProgress) => void,
  ): Promise<ImportProgress> {
    const progress: ImportProgress = { rowsDone: job.rows_done, inserted: job.inserted, updated: job.updated, failed: job.failed };
    let batch: { index: number; value: unknown }[] = [];
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      await this.commitBatch(job.id, batch, upsert, progress);
      batch = [];
      onBatch({ ...progress });
    };
    for await (const row of readUserFile(source, { skip: job.rows_done })) {
      batch.push(row);
      if (batch.length >= this.batchSize) await flush();
    }
    await flush();
    return progress;
  }

  private async commitBatch(
    jobId: string,
    rows: readonly { index: number; value: unknown }[],
    upsert: boolean,
    progress: ImportProgress,
  ): Promise<void> {
    const apply = async (trx: Kysely<Database>, batch: typeof rows, tally: ImportProgress): Promise<void> => {
      const errors: Insertable<JobErrorsTable>[] = [];
      const outcomes = await this.importRows(trx, jobId, batch, upsert);
      batch.forEach((row, position) => {
        const outcome = outcomes[position] ?? { result: 'failed' };
        tally[outcome.result] += 1;
        if (outcome.errors) {
          errors.push({
            job_id: jobId,
            row_index: row.index,
            user: JSON.stringify(reportable(row.value) ?? null),
            errors: JSON.stringify(outcome.errors),
          });
        }
      });
      tally.rowsDone = (batch.at(-1)?.index ?? tally.rowsDone - 1) + 1;
      await insertJobErrors(trx, errors);
      await updateJob(trx, jobId, {
        rows_done: tally.rowsDone,
        inserted: tally.inserted,
        updated: tally.updated,
        failed: tally.failed,
        total: tally.rowsDone,
        heartbeat_at: this.clock(),
      });
    };

    const tally = { ...progress };
    try {
      await this.db.transaction().execute((trx) => apply(trx, rows, tally));
      Object.assign(progress, tally);
    } catch {
      // Something the row checks did not foresee failed the batch: redo it row by row, so one
      // bad row is reported instead of taking the other rows down with it.
      for (const row of rows) {
        const single = { ...progress };
        try {
          await this.db.transaction().execute((trx) => apply(trx, [row], single));
          Object.assign(progress, single);
        } catch (error) {
          await this.db.transaction().execute(async (trx) => {
            const failed = { ...progress, failed: progress.failed + 1, rowsDone: row.index + 1 };
            await insertJobErrors(trx, [
              {
                job_id: jobId,
                row_index: row.index,
                user: JSON.stringify(reportable(row.value) ?? null),
                errors: JSON.stringify([{ code: 'NOT_PASSED', message: `The row could not be stored: ${(error as Error).message}`, path: '' }]),
              },
            ]);
            await updateJob(trx, jobId, { rows_done: failed.rowsDone, failed: failed.failed, total: failed.rowsDone });
            Object.assign(progress, failed);
          });
        }
      }
    }
  }

  /**
   * Imports a batch inside `trx`, with the same outcome as importing its rows one after another:
   * the users the rows may collide with are looked up in one query, and each row then sees what
   * the rows before it did (a user inserted, a username taken or given up). New users are written
   * with one multi-row insert; an update first writes the inserts before it, so that the database
   * sees the rows' changes in file order and no unique index trips over a username given up later.
   */
  private async importRows(
    trx: Kysely<Database>,
    jobId: string,
    batch: readonly { index: number; value: unknown }[],
    upsert: boolean,
  ): Promise<RowOutcome[]> {
    const checked = batch.map((row) => checkRow(row.value));
    const valid = checked.filter((check): check is CheckedRow => 'row' in check);
    const known = new KnownUsers(
      await findUsersByKeys(trx, {
        ids: valid.flatMap((check) => (check.id === undefined ? [] : [check.id])),
        emails: valid.map((check) => check.row.email),
        usernames: valid.flatMap((check) => (check.username === undefined ? [] : [check.username])),
      }),
    );
    const now = isoTime(this.clock);
    const newUsers: Insertable<UsersTable>[] = [];
    const newCredentials: Insertable<CredentialsTable>[] = [];
    const writeNewUsers = async (): Promise<void> => {
      await insertUsers(trx, newUsers.splice(0));
      await insertCredentials(trx, newCredentials.splice(0));
    };
    const fail = (code: string, message: string, path: string): RowOutcome => ({ result: 'failed', errors: [{ code, message, path }] });

    const outcomes: RowOutcome[] = [];
    for (const check of checked) {
      if (!('row' in check)) {
        outcomes.push(check);
        continue;
      }
      const { row, username, hash } = check;
      const existing = known.byEmail(row.email);
      if (existing && !upsert) {
        outcomes.push(
          existing.import_job_id === jobId
            ? fail('CONFLICT_EMAIL', `Another row of this file has the email ${row.email}`, 'email')
            : fail('DUPLICATED_USER', `A user with the email ${row.email} already exists`, 'email'),
        );
        continue;
      }
      if (username !== undefined) {
        const owner = known.byUsername(username);
        if (owner && owner.id !== existing?.id) {
          outcomes.push(fail('CONFLICT_USERNAME', `The username ${username} belongs to another user`, 'username'));
          continue;
        }
      }

      if (existing) {
        // Upsert: the fields the row gives replace the stored ones; the others stay.
        const changes: Updateable<UsersTable> = { updated_at: now };
        if (row.email_verified !== undefined) changes.email_verified = row.email_verified ? 1 : 0;
        if (username !== undefined) changes.username = username;
        for (const field of ['given_name', 'family_name', 'name', 'nickname', 'picture'] as const) {
          if (row[field] !== undefined) changes[field] = row[field];
        }
        if (row.blocked !== undefined) changes.blocked = row.blocked ? 1 : 0;
        if (row.app_metadata) changes.app_metadata = JSON.stringify(row.app_metadata);
        if (row.user_metadata) changes.user_metadata = JSON.stringify(row.user_metadata);
        if (hash) changes.password_reset_required = 0;
        await writeNewUsers();
        await updateUser(trx, existing.id, changes);
        if (hash) await putCredential(trx, existing.id, importedCredential(hash), now);
        if (username !== undefined) known.rename(existing, username);
        outcomes.push({ result: 'updated' });
        continue;
      }

      const id = check.id ?? newUserId();
      if (check.id !== undefined && known.hasId(id)) {
        outcomes.push(fail('CONFLICT', `A user with the user_id ${row.user_id ?? ''} already exists`, 'user_id'));
        continue;
      }
      newUsers.push(
        newUserRow({
          id,
          email: row.email,
          origin: 'import',
          created_at: now,
          import_job_id: jobId,
          email_verified: row.email_verified ? 1 : 0,
          username: username ?? null,
          given_name: row.given_name ?? null,
          family_name: row.family_name ?? null,
          name: row.name ?? null,
          nickname: row.nickname ?? null,
          picture: row.picture ?? null,
          blocked: row.blocked ? 1 : 0,
          app_metadata: JSON.stringify(row.app_metadata ?? {}),
          user_metadata: JSON.stringify(row.user_metadata ?? {}),
          // Imported without a password: the first step is choosing one.
          password_reset_required: hash ? 0 : 1,
        }),
      );
      if (hash) newCredentials.push({ user_id: id, ...importedCredential(hash), created_at: now, updated_at: now });
      known.add({ id, email: row.email, username: username ?? null, import_job_id: jobId });
      outcomes.push({ result: 'inserted' });
    }
    await writeNewUsers();
    return outcomes;
  }
}

/** A row that passed every check that needs no database: its fields, normalised. */
interface CheckedRow {
  row: ImportRow;
  /** Lowercased, when the row has one. */
  username: string | undefined;
  hash: ImportedHash | undefined;
  /** `auth0|<user_id>`, when the row gives a user_id. */
  id: string | undefined;
}

/** The checks of one row that need no database, or the row's failure. */
function checkRow(value: unknown): CheckedRow | RowOutcome {
  // The reader has bounded the nesting already; what is left is text and keys no schema sees.
  const flaw = findJsonFlaw(value, Number.POSITIVE_INFINITY);
  if (flaw) {
    const code = flaw.kind === 'ill_formed_text' ? 'FORMAT' : 'NOT_PASSED';
    return { result: 'failed', errors: [{ code, message: flaw.message, path: flaw.path }] };
  }
  let row = quickImportRow(value);
  if (row === undefined) {
    const parsed = importRowSchema.safeParse(value);
    if (!parsed.success) return { result: 'failed', errors: rowErrors(parsed.error.issues, value) };
    row = parsed.data;
  }

  let username: string | undefined;
  if (row.username !== undefined) {
    const check = checkUsername(row.username, IMPORT_USERNAME_POLICY);
    if (!check.ok) {
      const failing = check.rules.filter((rule) => !rule.ok).map((rule) => rule.id).join(', ');
      return { result: 'failed', errors: [{ code: 'PATTERN', message: `The username breaks these rules: ${failing}`, path: 'username' }] };
    }
    username = normalizeUsername(row.username);
  }

  const hash: ImportedHash | undefined = row.password_hash
    ? { kind: 'bcrypt', value: row.password_hash }
    : row.custom_password_hash
      ? { kind: 'custom', format: row.custom_password_hash }
      : undefined;
  const id = row.user_id === undefined ? undefined : `${DATABASE_PROVIDER}|${row.user_id}`;
  return { row, username, hash, id };
}

/**
 * The users a batch may collide with, by email, username and id: loaded in one query, then kept
 * as the batch's rows change them, so that each row sees the database as its own query would.
 */
class KnownUsers {
  private readonly emails = new Map<string, UserKeys>();
  private readonly usernames = new Map<string, UserKeys>();
  private readonly ids = new Set<string>();

  constructor(found: readonly UserKeys[]) {
    for (const user of found) this.add({ ...user });
  }

  byEmail(email: string): UserKeys | undefined {
    return this.emails.get(email);
  }

  byUsername(username: string): UserKeys | undefined {
    return this.usernames.get(username);
  }

  hasId(id: string): boolean {
    return this.ids.has(id);
  }

  add(user: UserKeys): void {
    this.emails.set(user.email, user);
    if (user.username !== null) this.usernames.set(user.username, user);
    this.ids.add(user.id);
  }

  /** An upsert gave `user` a new username: the old one is free for the rows after it. */
  rename(user: UserKeys, username: string): void {
    if (user.username !== null && this.usernames.get(user.username) === user) this.usernames.delete(user.username);
    user.username = username;
    this.usernames.set(username, user);
  }
}
