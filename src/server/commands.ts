/**
 * `provision-lock import` and `provision-lock export`: the same import and export as the
 * Management API's jobs, run from the command line against the configured database.
 */
import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';

import type { Kysely } from 'kysely';

import { loadConfig } from './config.js';
import { createConsoleLogger } from './logger.js';
import { systemClock } from './services/clock.js';
import { createServices, type Services } from './services/index.js';
import type { ImportRunProgress } from './services/jobs.js';
import { exportOptionsSchema, UserExporter } from './services/user-export.js';
import { migrateToLatest, openDatabase } from './store/database.js';
import type { Database } from './store/schema.js';

const PLAIN_PROGRESS_INTERVAL_MS = 5000;
const ERRORS_PRINTED = 20;

async function withServices<T>(
  configPath: string | undefined,
  work: (services: Services, db: Kysely<Database>) => Promise<T>,
): Promise<T> {
  const config = loadConfig({ configPath });
  const db = openDatabase(config.databaseUrl);
  try {
    await migrateToLatest(db);
    return await work(createServices(db, config, systemClock, createConsoleLogger()), db);
  } finally {
    await db.destroy();
  }
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const whole = Math.round(seconds);
  const minutes = Math.floor(whole / 60);
  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}:${String(whole % 60).padStart(2, '0')}`;
}

/** Progress on a terminal: one line redrawn in place; elsewhere (logs, CI): a line every few seconds. */
export function progressReporter(stream: NodeJS.WriteStream, clock: () => number = Date.now): (progress: ImportRunProgress) => void {
  const started = clock();
  let lastPlain = started;
  return (progress) => {
    const now = clock();
    const elapsed = Math.max(0.001, (now - started) / 1000);
    const rate = progress.rowsDone / elapsed;
    const fraction = progress.fileBytes > 0 ? Math.min(1, progress.bytesRead / progress.fileBytes) : 0;
    const eta = fraction > 0 ? (elapsed / fraction) * (1 - fraction) : Number.POSITIVE_INFINITY;
    const counts = `${progress.rowsDone.toLocaleString('en')} users, ${Math.round(rate).toLocaleString('en')} users/s, ETA ${duration(eta)}`;
    if (stream.isTTY) {
      const width = 30;
      const filled = Math.round(fraction * width);
      stream.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%  ${counts}\u001b[K`);
    } else if (now - lastPlain >= PLAIN_PROGRESS_INTERVAL_MS) {
      lastPlain = now;
      stream.write(`imported ${(fraction * 100).toFixed(0)}%: ${counts}\n`);
    }
  };
}

export interface ImportCommandOptions {
  file: string;
  upsert: boolean;
  configPath: string | undefined;
  /** Where the full error report goes; `<file>.errors.json` by default. */
  errorsPath?: string;
}

/** Imports a user file; returns the process exit code (1 when rows failed or the job did). */
export async function importCommand(options: ImportCommandOptions, out: NodeJS.WriteStream = process.stderr): Promise<number> {
  return withServices(options.configPath, async ({ jobs, connection }) => {
    const upload = await jobs.receiveUpload(createReadStream(options.file));
    const created = await jobs.createImport(upload, { connectionId: await connection.id(), upsert: options.upsert }, true);
    const job = await jobs.run(created, progressReporter(out));
    if (out.isTTY) out.write('\n');

    out.write(`Import ${job.id} ${job.status}: ${job.inserted} inserted, ${job.updated} updated, ${job.failed} failed, ${job.total} rows.\n`);
    if (job.failure) out.write(`${job.failure}\n`);
    const errors = await jobs.errorsOf(job.id);
    if (errors.length > 0) {
      const errorsPath = options.errorsPath ?? `${options.file}.errors.json`;
      await writeFile(errorsPath, `${JSON.stringify(errors, null, 2)}\n`);
      for (const { user, errors: rowErrors } of errors.slice(0, ERRORS_PRINTED)) {
        const email = typeof user === 'object' && user !== null && 'email' in user ? String(user.email) : '(no email)';
        out.write(`  ${email}: ${JSON.stringify(rowErrors)}\n`);
      }
      if (errors.length > ERRORS_PRINTED) out.write(`  … and ${errors.length - ERRORS_PRINTED} more.\n`);
      out.write(`The full error report is in ${errorsPath}.\n`);
    }
    return job.status === 'completed' && job.failed === 0 ? 0 : 1;
  });
}

export interface ExportCommandOptions {
  output: string;
  format: 'json' | 'csv';
  fields: string[] | undefined;
  includePasswordHashes: boolean;
  configPath: string | undefined;
}

export async function exportCommand(options: ExportCommandOptions, out: NodeJS.WriteStream = process.stderr): Promise<number> {
  const exportOptions = exportOptionsSchema.parse({
    format: options.format,
    include_password_hashes: options.includePasswordHashes,
    ...(options.fields ? { fields: options.fields.map((name) => ({ name })) } : {}),
  });
  return withServices(options.configPath, async ({ connection }, db) => {
    const written = await new UserExporter(db, connection.name).run(options.output, exportOptions, () => Promise.resolve());
    out.write(`Exported ${written} users to ${options.output}.\n`);
    return 0;
  });
}
