/**
 * Import and export throughput and memory, for 10,000, 100,000 and 1,000,000 users (pick others
 * with BENCH_IMPORT_SIZES=10000,100000), each as a ratio to a baseline measured in the same run:
 *
 * - import: a user file in Auth0's format (bcrypt hashes from a cached pool) through the job
 *   service, as `provision-lock import` and the Management API run it, into a fresh SQLite file;
 *   against the same rows (same columns, users row plus credentials row, transactions of the
 *   same batch size) inserted with two plain better-sqlite3 prepared statements into a database
 *   made by our migrations. The baseline's rows come from the generator, not the file: it is
 *   what SQLite alone costs, which is the bound the import is held to.
 * - export: the job service's NDJSON export with password hashes, against one prepared
 *   statement's `iterate()` over users joined to credentials, each row stringified to a line.
 *
 * Every measurement runs in a child process of its own, so a peak resident set (getrusage's
 * maxrss: the whole process, as the operating system saw it) belongs to that measurement alone
 * and earlier sizes do not inflate later ones. The children run this file bundled to plain
 * JavaScript by esbuild (dependencies left as imports), as a built `provision-lock` CLI runs: a
 * child under tsx would carry its loader (a worker thread and an esbuild service) in every figure.
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { resolveConfig } from '../src/server/config.js';
import { silentLogger } from '../src/server/logger.js';
import { systemClock } from '../src/server/services/clock.js';
import { createServices } from '../src/server/services/index.js';
import type { ImportRunProgress } from '../src/server/services/jobs.js';
import { importedCredential } from '../src/server/services/passwords.js';
import { IMPORT_BATCH_SIZE } from '../src/server/services/user-import.js';
import { DATABASE_PROVIDER, newUserRow } from '../src/server/services/user-records.js';
import { migrateToLatest, openDatabase } from '../src/server/store/database.js';
import { openBareSqlite } from './bare-sqlite.js';
import { benchUser, CACHE_DIRECTORY, ensureUsersFile, HASH_POOL_SIZE, loadHashPool } from './import-data.js';
import { recordSection, type Figure } from './results.js';

const DEFAULT_SIZES = [10_000, 100_000, 1_000_000];
/** Small sizes finish in a fraction of a second, where scheduling noise shows; take the median of a few. */
const REPEATS_UP_TO_100K = 3;
const IMPORT_RATIO_TARGET = 0.5;
const EXPORT_RATIO_TARGET = 0.5;
const PEAK_RSS_TARGET_MB = 200;
const PROGRESS_INTERVAL_MS = 5000;

const MEASUREMENTS = ['baseline-import', 'import', 'baseline-export', 'export'] as const;
type Measurement = (typeof MEASUREMENTS)[number];

/** What a child reports on its last line of stdout. */
interface MeasurementResult {
  measurement: Measurement;
  users: number;
  seconds: number;
  usersPerSecond: number;
  /** Peak resident set of the child process, start-up included, in MB. */
  peakRssMB: number;
  /** Resident set just before the measured work, for telling start-up from the work. */
  startRssMB: number;
  /** The import's copy of the file into the job directory, which the timing leaves out. */
  uploadSeconds?: number;
}

const MB = 1024 * 1024;

function peakRssMB(): number {
  // maxRSS is in kilobytes.
  return process.resourceUsage().maxRSS / 1024;
}

function progressLine(label: string, done: number, total: number, started: number): void {
  const seconds = (performance.now() - started) / 1000;
  process.stderr.write(`  ${label}: ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} (${Math.round(done / seconds).toLocaleString('en-US')} users/s, RSS ${Math.round(process.memoryUsage.rss() / MB)} MB)\n`);
}

function databaseUrl(directory: string): string {
  return `sqlite:${join(directory, 'users.db')}`;
}

/** A database made by our migrations, as the baseline starts from. */
async function migratedDatabase(directory: string): Promise<void> {
  const db = openDatabase(databaseUrl(directory));
  await migrateToLatest(db);
  await db.destroy();
}

/** Plain inserts of the rows the import writes: the users row and the credentials row, in batches. */
async function baselineImport(users: number, directory: string): Promise<Omit<MeasurementResult, 'peakRssMB' | 'startRssMB'>> {
  await migratedDatabase(directory);
  const sqlite = openBareSqlite(join(directory, 'users.db'));
  const pool = loadHashPool();
  const userColumns = Object.keys(newUserRow({ id: '', email: '', origin: 'import', created_at: '' }));
  const insertUser = sqlite.prepare(
    `INSERT INTO users (${userColumns.join(', ')}) VALUES (${userColumns.map((column) => `@${column}`).join(', ')})`,
  );
  const insertCredential = sqlite.prepare(
    'INSERT INTO credentials (user_id, password_hash, hash_format, created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
  );
  const insertBatch = sqlite.transaction((from: number, to: number) => {
    const now = new Date().toISOString();
    for (let index = from; index < to; index++) {
      const user = benchUser(index, pool);
      const id = `${DATABASE_PROVIDER}|${user.user_id}`;
      insertUser.run(
        newUserRow({
          id,
          email: user.email,
          origin: 'import',
          created_at: now,
          import_job_id: 'job_baseline',
          email_verified: user.email_verified ? 1 : 0,
          username: user.username ?? null,
          given_name: user.given_name,
          family_name: user.family_name,
          name: user.name,
          app_metadata: JSON.stringify(user.app_metadata),
          user_metadata: JSON.stringify(user.user_metadata),
        }),
      );
      const credential = importedCredential({ kind: 'bcrypt', value: user.password_hash });
      insertCredential.run(id, credential.password_hash, credential.hash_format, now, now);
    }
  });
  const started = performance.now();
  let lastProgress = started;
  for (let from = 0; from < users; from += IMPORT_BATCH_SIZE) {
    insertBatch(from, Math.min(users, from + IMPORT_BATCH_SIZE));
    if (performance.now() - lastProgress > PROGRESS_INTERVAL_MS) {
      lastProgress = performance.now();
      progressLine('baseline import', from + IMPORT_BATCH_SIZE, users, started);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  sqlite.close();
  return { measurement: 'baseline-import', users, seconds, usersPerSecond: users / seconds };
}

/** The import as `provision-lock import` runs it: upload into the job directory, then the job. */
async function realImport(users: number, directory: string, file: string): Promise<Omit<MeasurementResult, 'peakRssMB' | 'startRssMB'>> {
  const config = resolveConfig({}, { DATABASE_URL: databaseUrl(directory) });
  const db = openDatabase(config.databaseUrl);
  try {
    await migrateToLatest(db);
    const { jobs, connection } = createServices(db, config, systemClock, silentLogger);
    const uploadStarted = performance.now();
    const upload = await jobs.receiveUpload(createReadStream(file));
    const uploadSeconds = (performance.now() - uploadStarted) / 1000;
    const created = await jobs.createImport(upload, { connectionId: await connection.id(), upsert: false }, true);
    const started = performance.now();
    let lastProgress = started;
    const job = await jobs.run(created, (progress: ImportRunProgress) => {
      if (performance.now() - lastProgress > PROGRESS_INTERVAL_MS) {
        lastProgress = performance.now();
        progressLine('import', progress.rowsDone, users, started);
      }
    });
    const seconds = (performance.now() - started) / 1000;
    if (job.status !== 'completed' || job.inserted !== users || job.failed !== 0) {
      throw new Error(`The import did not import every row: ${JSON.stringify({ status: job.status, inserted: job.inserted, failed: job.failed, failure: job.failure })}`);
    }
    return { measurement: 'import', users, seconds, usersPerSecond: users / seconds, uploadSeconds };
  } finally {
    await db.destroy();
  }
}

/** One prepared statement walked with iterate(), each row as one line of JSON. */
async function baselineExport(users: number, directory: string): Promise<Omit<MeasurementResult, 'peakRssMB' | 'startRssMB'>> {
  const sqlite = openBareSqlite(join(directory, 'users.db'));
  const rows = sqlite.prepare(
    'SELECT users.*, credentials.password_hash, credentials.hash_format FROM users LEFT JOIN credentials ON credentials.user_id = users.id ORDER BY users.id',
  );
  const file = createWriteStream(join(directory, 'baseline-export.ndjson'));
  const started = performance.now();
  let written = 0;
  let text = '';
  for (const row of rows.iterate()) {
    text += `${JSON.stringify(row)}\n`;
    written += 1;
    // Hand the file large pieces, and wait when it asks to: the rows must not pile up in memory.
    if (text.length >= 64 * 1024) {
      if (!file.write(text)) await once(file, 'drain');
      text = '';
    }
  }
  file.end(text);
  await once(file, 'finish');
  const seconds = (performance.now() - started) / 1000;
  sqlite.close();
  if (written !== users) throw new Error(`The baseline export wrote ${written} rows, not ${users}.`);
  return { measurement: 'baseline-export', users, seconds, usersPerSecond: users / seconds };
}

/** The export job, as `POST /api/v2/jobs/users-exports` runs it, with password hashes. */
async function realExport(users: number, directory: string): Promise<Omit<MeasurementResult, 'peakRssMB' | 'startRssMB'>> {
  const config = resolveConfig({}, { DATABASE_URL: databaseUrl(directory) });
  const db = openDatabase(config.databaseUrl);
  try {
    const { jobs } = createServices(db, config, systemClock, silentLogger);
    const created = await jobs.createExport({ format: 'json', include_password_hashes: true }, 'http://localhost', undefined);
    const started = performance.now();
    while (await jobs.runNext()) {
      // Runs the export job (the import job is completed and not taken again).
    }
    const seconds = (performance.now() - started) / 1000;
    const job = await jobs.get(created.id);
    if (job.status !== 'completed' || job.total !== users) {
      throw new Error(`The export did not write every user: ${JSON.stringify({ status: job.status, total: job.total, failure: job.failure })}`);
    }
    return { measurement: 'export', users, seconds, usersPerSecond: users / seconds };
  } finally {
    await db.destroy();
  }
}

async function measureInThisProcess(measurement: Measurement, users: number, directory: string, file: string): Promise<void> {
  const startRssMB = process.memoryUsage.rss() / MB;
  const result =
    measurement === 'baseline-import'
      ? await baselineImport(users, directory)
      : measurement === 'import'
        ? await realImport(users, directory, file)
        : measurement === 'baseline-export'
          ? await baselineExport(users, directory)
          : await realExport(users, directory);
  const report: MeasurementResult = { ...result, peakRssMB: peakRssMB(), startRssMB };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

/** This file and the server code it reaches, bundled to one JavaScript module for the children. */
async function buildChildScript(): Promise<string> {
  // Loaded here, not at the top: the children run this file too, and esbuild would count in
  // their memory figures, which the import command itself never loads.
  const { build } = await import('esbuild');
  const outfile = join(CACHE_DIRECTORY, 'build', 'import.mjs');
  await build({
    entryPoints: [fileURLToPath(import.meta.url)],
    outfile,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
  });
  return outfile;
}

/** Runs one measurement in a fresh process and returns what it reported. */
function measureInChild(script: string, measurement: Measurement, users: number, directory: string, file: string): MeasurementResult {
  const child = spawnSync(
    process.execPath,
    ['--expose-gc', script, '--measure', measurement, String(users), directory, file],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      encoding: 'utf8',
      maxBuffer: 16 * MB,
      env: { ...process.env, BENCH_CACHE_DIRECTORY: CACHE_DIRECTORY },
    },
  );
  const lastLine = child.stdout.trim().split('\n').at(-1) ?? '';
  if (child.status !== 0 || !lastLine.startsWith('{')) {
    throw new Error(`${measurement} of ${users} users did not finish (exit ${child.status ?? child.signal}).`);
  }
  return JSON.parse(lastLine) as MeasurementResult;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function sizesToRun(): number[] {
  const asked = process.env.BENCH_IMPORT_SIZES;
  if (!asked) return DEFAULT_SIZES;
  const sizes = asked.split(',').map((size) => Number(size.trim().replace(/_/g, '')));
  if (sizes.some((size) => !Number.isSafeInteger(size) || size < 1)) {
    throw new Error(`BENCH_IMPORT_SIZES must be whole numbers separated by commas, not "${asked}".`);
  }
  return sizes;
}

interface SizeFigures {
  users: number;
  fileMB: number;
  runs: Record<Measurement, MeasurementResult[]>;
}

function figuresOf({ users, runs }: SizeFigures): Figure[] {
  const rate = (measurement: Measurement) => median(runs[measurement].map((run) => run.usersPerSecond));
  const peak = (measurement: Measurement) => Math.max(...runs[measurement].map((run) => run.peakRssMB));
  const count = users.toLocaleString('en-US');
  const throughput = (kind: 'import' | 'export', baselineName: string, target: number): Figure => {
    const value = Math.round(rate(kind));
    const baseline = Math.round(rate(`baseline-${kind}`));
    const ratio = value / baseline;
    return {
      name: `${kind} ${count} users`,
      value,
      unit: 'users/s',
      baseline: { name: baselineName, value: baseline, unit: 'users/s' },
      ratio,
      ratioMeaning: 'share of the baseline',
      target: `≥ ${target}`,
      met: ratio >= target,
    };
  };
  const memory = (kind: 'import' | 'export'): Figure => {
    const value = Math.round(peak(kind));
    return {
      name: `${kind} ${count} users, peak RSS`,
      value,
      unit: 'MB',
      baseline: { name: `baseline ${kind}, peak RSS`, value: Math.round(peak(`baseline-${kind}`)), unit: 'MB' },
      target: `< ${PEAK_RSS_TARGET_MB} MB`,
      met: value < PEAK_RSS_TARGET_MB,
    };
  };
  return [
    throughput('import', 'prepared-statement inserts', IMPORT_RATIO_TARGET),
    memory('import'),
    throughput('export', 'prepared-statement iterate() to NDJSON', EXPORT_RATIO_TARGET),
    memory('export'),
  ];
}

async function main(): Promise<void> {
  const sizes = sizesToRun();
  const pool = loadHashPool();
  const childScript = await buildChildScript();
  const measured: SizeFigures[] = [];
  for (const users of sizes) {
    const file = await ensureUsersFile(users, pool);
    const repeats = users <= 100_000 ? REPEATS_UP_TO_100K : 1;
    const runs: SizeFigures['runs'] = { 'baseline-import': [], import: [], 'baseline-export': [], export: [] };
    for (let repeat = 0; repeat < repeats; repeat++) {
      const run = (measurement: Measurement, directory: string): void => {
        process.stderr.write(`${measurement}, ${users.toLocaleString('en-US')} users, run ${repeat + 1}/${repeats}\n`);
        runs[measurement].push(measureInChild(childScript, measurement, users, directory, file));
      };
      const baselineDirectory = mkdtempSync(join(tmpdir(), 'provision-lock-bench-baseline-'));
      const importDirectory = mkdtempSync(join(tmpdir(), 'provision-lock-bench-import-'));
      try {
        run('baseline-import', baselineDirectory);
        rmSync(baselineDirectory, { recursive: true, force: true });
        run('import', importDirectory);
        // Both exports read the database the real import wrote; which goes first alternates, so
        // that neither always finds the warmer page cache.
        const exports: Measurement[] = repeat % 2 === 0 ? ['baseline-export', 'export'] : ['export', 'baseline-export'];
        for (const measurement of exports) run(measurement, importDirectory);
      } finally {
        rmSync(baselineDirectory, { recursive: true, force: true });
        rmSync(importDirectory, { recursive: true, force: true });
      }
    }
    measured.push({ users, fileMB: statSync(file).size / MB, runs });
  }
  const figures = measured.flatMap((size) => figuresOf(size));
  recordSection('import', figures, {
    sizes,
    hashPool: `${HASH_POOL_SIZE} distinct bcrypt hashes (cost 10), cycled over the rows`,
    batchSize: IMPORT_BATCH_SIZE,
    fileMB: Object.fromEntries(measured.map((size) => [size.users, Math.round(size.fileMB)])),
    runs: Object.fromEntries(measured.map((size) => [size.users, size.runs])),
  });
}

if (process.argv[2] === '--measure') {
  const [, , , measurement, users, directory, file] = process.argv;
  if (!MEASUREMENTS.includes(measurement as Measurement) || !users || !directory || !file) {
    throw new Error('usage: import.ts --measure <measurement> <users> <directory> <file>');
  }
  await measureInThisProcess(measurement as Measurement, Number(users), directory, file);
  process.exit(0);
} else {
  await main();
}
