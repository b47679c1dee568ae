/**
 * Import and export jobs. They run inside the server process, one at a time, but their state
 * lives in the database: a job survives a restart. A server claims a job atomically and reports a
 * heartbeat after every batch; a job whose server went quiet (a crash) is claimed again and
 * resumes at the first row its last commit did not cover. Upload and result files live in
 * `imports.directory`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import type { Kysely } from 'kysely';

import type { Logger } from '../logger.js';
import {
  claimNextJob,
  findJob,
  findJobErrors,
  findProcessingJobsOnHost,
  insertJob,
  requeueJob,
  updateJob,
  type JobRow,
} from '../store/jobs-repository.js';
import type { Database } from '../store/schema.js';
import { isoTime, type Clock } from './clock.js';
import type { DatabaseConnection } from './connection.js';
import { randomAlphanumericId } from './ids.js';
import type { ServerSecrets } from './secrets.js';
import { ServiceError } from './service-error.js';
import { UserFileFormatError } from './user-file-reader.js';
import type { ExportOptions, UserExporter } from './user-export.js';
import type { UserImporter } from './user-import.js';

/** A processing job whose heartbeat is older than this lost its server and may be taken over. */
export const JOB_STALE_AFTER_MS = 30_000;
/** How long a download link of an export works. */
const DOWNLOAD_LINK_TTL_MS = 60 * 60_000;
/** Without a wake-up, a running server still looks for abandoned jobs this often. */
const POLL_INTERVAL_MS = 5_000;

export interface JobFiles {
  directory: string;
  maxFileBytes: number;
}

interface ImportOptions {
  upsert: boolean;
  external_id?: string;
}

interface ExportJobOptions extends ExportOptions {
  /** Origin the download link points to. */
  location_base: string;
}

class StopRequested extends Error {}

/** This process, as job rows name their holder. */
const THIS_HOST = hostname();
const THIS_PROCESS = `${THIS_HOST}:${process.pid}`;

/** Whether a process of this host is still running (signal 0 only asks). */
function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** How far a running import is: rows settled, and bytes of the file read (for an estimate). */
export interface ImportRunProgress {
  jobId: string;
  rowsDone: number;
  inserted: number;
  updated: number;
  failed: number;
  bytesRead: number;
  fileBytes: number;
}

export class JobService {
  private loop: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly importer: UserImporter,
    private readonly exporter: UserExporter,
    private readonly connection: DatabaseConnection,
    private readonly secrets: ServerSecrets,
    private readonly files: JobFiles,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Streams an uploaded file to disk, refusing it past `maxFileBytes`; returns where it is. */
  async receiveUpload(upload: Readable): Promise<string> {
    await mkdir(this.files.directory, { recursive: true });
    const path = join(this.files.directory, `${randomAlphanumericId('upload_', 16)}.users`);
    let received = 0;
    const limit = this.files.maxFileBytes;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        received += chunk.length;
        callback(received > limit ? new ServiceError('payload_too_large', `User files are limited to ${limit} bytes.`) : null, chunk);
      },
    });
    const file = createWriteStream(path);
    try {
      await pipeline(upload, counter, file);
    } catch (error) {
      // The pipeline fails before the file's stream has closed, and when the first chunk is
      // already over the limit, before its open (in the thread pool) has even run: removing the
      // file then could come first and the open recreate it, empty and owned by no job. So the
      // removal waits for the stream to close, which comes after its open.
      if (!file.closed) await new Promise<void>((resolve) => file.once('close', () => resolve()));
      await this.discardUpload(path);
      throw error;
    }
    return path;
  }

  async discardUpload(path: string): Promise<void> {
    await rm(path, { force: true });
  }

  /**
   * A new import job for an uploaded file. With `claimed`, the job starts as this process's own
   * (the command line runs it with `run`), so that no server on the same database takes it.
   */
  async createImport(
    filePath: string,
    fields: { connectionId: string; upsert: boolean; externalId?: string | undefined },
    claimed = false,
  ): Promise<JobRow> {
    await this.connection.assertIsThis({ connectionId: fields.connectionId });
    const options: ImportOptions = { upsert: fields.upsert, ...(fields.externalId ? { external_id: fields.externalId } : {}) };
    return this.create('users_import', options, filePath, claimed);
  }

  async createExport(options: ExportOptions, locationBase: string, connectionId: string | undefined): Promise<JobRow> {
    await this.connection.assertIsThis({ connectionId });
    const jobOptions: ExportJobOptions = { ...options, location_base: locationBase };
    return this.create('users_export', jobOptions, null);
  }

  async get(id: string): Promise<JobRow> {
    const job = await findJob(this.db, id);
    if (!job) throw new ServiceError('not_found', `There is no job ${id}.`);
    return job;
  }

  /** The job as Auth0's Management API shows it. */
  async describe(job: JobRow): Promise<Record<string, unknown>> {
    const common = {
      id: job.id,
      type: job.type,
      status: job.status,
      connection_id: job.connection_id,
      connection: this.connection.name,
      created_at: job.created_at,
      ...(job.failure ? { failure: job.failure } : {}),
    };
    if (job.type === 'users_import') {
      const options = JSON.parse(job.options) as ImportOptions;
      return {
        ...common,
        ...(options.external_id ? { external_id: options.external_id } : {}),
        summary: { inserted: job.inserted, updated: job.updated, failed: job.failed, total: job.total },
      };
    }
    const options = JSON.parse(job.options) as ExportJobOptions;
    return {
      ...common,
      format: options.format,
      ...(options.fields ? { fields: options.fields } : {}),
      ...(job.status === 'completed' ? { location: await this.downloadLink(job.id, options.location_base) } : {}),
      summary: { total: job.total },
    };
  }

  /** Auth0's error report: `[{user, errors: [{code, message, path}]}]`, in file order. */
  async errorsOf(id: string): Promise<{ user: unknown; errors: unknown }[]> {
    await this.get(id);
    const rows = await findJobErrors(this.db, id);
    return rows.map((row) => ({ user: JSON.parse(row.user) as unknown, errors: JSON.parse(row.errors) as unknown }));
  }

  /** The export file behind a signed link, or an error when the link is wrong or too old. */
  async download(id: string, expires: string, signature: string): Promise<{ stream: Readable; format: 'json' | 'csv'; bytes: number }> {
    const expected = await this.sign(id, expires);
    const given = Buffer.from(signature, 'base64url');
    const refused = new ServiceError('not_found', 'This download link is not valid or has expired.');
    if (given.length !== expected.length || !timingSafeEqual(given, expected) || Number(expires) < this.clock()) throw refused;
    const job = await this.get(id);
    if (job.type !== 'users_export' || job.status !== 'completed' || !job.file_path) throw refused;
    const { format } = JSON.parse(job.options) as ExportJobOptions;
    return { stream: createReadStream(job.file_path), format, bytes: (await stat(job.file_path)).size };
  }

  /** Runs the next job that needs running, to its end; false when there was none. */
  async runNext(): Promise<boolean> {
    const now = this.clock();
    const job = await claimNextJob(this.db, now, now - JOB_STALE_AFTER_MS, THIS_PROCESS);
    if (!job) return false;
    await this.execute(job);
    return true;
  }

  async runUntilIdle(): Promise<void> {
    while (!this.stopping && (await this.runNext())) {
      // Keep going until no job is waiting.
    }
  }

  /**
   * Puts back in the queue the jobs that a process of this host held when it died (a crash, a
   * kill): they resume at once instead of after the heartbeat goes stale. Jobs of other hosts
   * are left to the heartbeat, since their processes cannot be asked.
   */
  async recoverOrphans(): Promise<number> {
    let recovered = 0;
    for (const job of await findProcessingJobsOnHost(this.db, THIS_HOST)) {
      const pid = Number(job.claimed_by?.slice(THIS_HOST.length + 1));
      if (!Number.isInteger(pid) || pid === process.pid || processIsAlive(pid)) continue;
      if (await requeueJob(this.db, job.id, job.claimed_by ?? '')) {
        recovered += 1;
        this.logger.info('job resumes after its process died', { job: job.id });
      }
    }
    return recovered;
  }

  /** Starts running jobs in the background: at once, on every new job, and every few seconds. */
  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = (async () => {
      try {
        await this.recoverOrphans();
      } catch (error) {
        this.logger.error('job recovery failed', { error: error instanceof Error ? error.message : String(error) });
      }
      while (!this.stopping) {
        try {
          await this.runUntilIdle();
        } catch (error) {
          this.logger.error('job runner failed', { error: error instanceof Error ? error.message : String(error) });
        }
        if (this.stopping) break;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, POLL_INTERVAL_MS);
          timer.unref();
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    })();
  }

  /** Stops after the current batch; an interrupted job goes back to the queue, where it resumes. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
  }

  private async create(type: JobRow['type'], options: object, filePath: string | null, claimed = false): Promise<JobRow> {
    const job: JobRow = {
      id: randomAlphanumericId('job_', 16),
      type,
      status: claimed ? 'processing' : 'pending',
      connection_id: await this.connection.id(),
      options: JSON.stringify(options),
      file_path: filePath,
      rows_done: 0,
      inserted: 0,
      updated: 0,
      failed: 0,
      total: 0,
      failure: null,
      created_at: isoTime(this.clock),
      started_at: null,
      completed_at: null,
      heartbeat_at: claimed ? this.clock() : null,
      claimed_by: claimed ? THIS_PROCESS : null,
    };
    await insertJob(this.db, job);
    if (!claimed) this.wake?.();
    return job;
  }

  /** Runs a job this process holds (`runNext` claims them; the command line creates them claimed). */
  async run(job: JobRow, onProgress?: (progress: ImportRunProgress) => void): Promise<JobRow> {
    await this.execute(job, onProgress);
    return this.get(job.id);
  }

  private async execute(job: JobRow, onProgress?: (progress: ImportRunProgress) => void): Promise<void> {
    if (!job.started_at) await updateJob(this.db, job.id, { started_at: isoTime(this.clock) });
    const checkpoint = (): void => {
      if (this.stopping) throw new StopRequested();
    };
    try {
      if (job.type === 'users_import') {
        if (!job.file_path) throw new Error('the job has no file');
        const { upsert } = JSON.parse(job.options) as ImportOptions;
        const fileBytes = (await stat(job.file_path)).size;
        let bytesRead = 0;
        const file = createReadStream(job.file_path);
        async function* counted(): AsyncGenerator<Buffer> {
          for await (const chunk of file) {
            bytesRead += (chunk as Buffer).length;
            yield chunk as Buffer;
          }
        }
        await this.importer.run(job, counted(), upsert, (progress) => {
          checkpoint();
          onProgress?.({ jobId: job.id, ...progress, bytesRead, fileBytes });
        });
        await updateJob(this.db, job.id, { status: 'completed', completed_at: isoTime(this.clock) });
        await this.discardUpload(job.file_path);
      } else {
        const options = JSON.parse(job.options) as ExportJobOptions;
        await mkdir(this.files.directory, { recursive: true });
        const path = join(this.files.directory, `${job.id}.${options.format === 'csv' ? 'csv' : 'ndjson'}`);
        const total = await this.exporter.run(path, options, async () => {
          checkpoint();
          await updateJob(this.db, job.id, { heartbeat_at: this.clock() });
        });
        await updateJob(this.db, job.id, { status: 'completed', file_path: path, total, completed_at: isoTime(this.clock) });
      }
    } catch (error) {
      if (error instanceof StopRequested) {
        // Shutting down: back to the queue, so the next start resumes it at once.
        await updateJob(this.db, job.id, { status: 'pending', heartbeat_at: null, claimed_by: null });
        return;
      }
      const reason =
        error instanceof UserFileFormatError
          ? `The file is not a user file: ${error.message}`
          : error instanceof Error && 'code' in error && error.code === 'ENOENT'
            ? 'The job file is gone; upload it again.'
            : `The job failed: ${error instanceof Error ? error.message : String(error)}`;
      this.logger.warn('job failed', { job: job.id, type: job.type, reason });
      await updateJob(this.db, job.id, { status: 'failed', failure: reason, completed_at: isoTime(this.clock) });
    }
  }

  private async downloadLink(id: string, base: string): Promise<string> {
    const expires = String(this.clock() + DOWNLOAD_LINK_TTL_MS);
    const signature = (await this.sign(id, expires)).toString('base64url');
    return `${base}/api/v2/jobs/${id}/download?expires=${expires}&signature=${signature}`;
  }

  private async sign(id: string, expires: string): Promise<Buffer> {
    return createHmac('sha256', await this.secrets.cookieKey()).update(`export:${id}:${expires}`).digest();
  }
}
