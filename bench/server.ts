/**
 * Server throughput. A login costs one argon2id verification and a sign-up one argon2id hash:
 * the rest (routing, validation, SQLite, the session) should be noise next to them. So login and
 * sign-up are measured against the raw argon2id rate at the same concurrency, in this process,
 * with the server's own parameters (target ≥ 90 % of that bound); `GET /api/config` and
 * `GET /api/session`, which hash nothing, against a bare Hono "hello" route served the same way
 * (target ≥ 50 %). Each load alternates with its baselines, three rounds of each. The load comes
 * from a child process over keep-alive connections on loopback.
 *
 * On SQLite, a bare Hono app (bench/bare-server.ts) is a second baseline of every login and read
 * round, set against the same bound (the argon2id rate, the "hello" route): how near the bound an
 * HTTP login or read gets on this machine at all, and so how much of the server's gap is its own.
 *
 * `BENCH_DATABASE_URL=postgres://…` adds the same figures on PostgreSQL.
 */
import type { AddressInfo } from 'node:net';

import { serve } from '@hono/node-server';
import { Hono } from 'hono';

import { loadConfig, toPublicConfig } from '../src/server/config.js';
import { hashPassword, verifyPassword } from '../src/server/services/passwords.js';
import { evaluatePassword } from '../src/shared/policy/strength.js';
import { startBareServer, type BareServer } from './bare-server.js';
import { startBenchServer } from './bench-server.js';
import { runLoad, type LoadOptions, type LoadResult } from './load.js';
import { quantile, recordSection, type Figure } from './results.js';

const PASSWORD = 'Correct-Horse-Battery-9';
// The server's default policy: what `npm start` enforces without a configuration file.
const defaultConfig = loadConfig({ env: {} });
const { password: policy } = defaultConfig;
const LOGIN_USERS = 64;
const CONCURRENCIES = [1, 8, 64] as const;
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 5_000);
const WARMUP_MS = 1_000;
const READ_CONCURRENCY = 32;
const HASH_TARGET = 0.9;
const READ_TARGET = 0.5;
const ROUNDS = 3;

/** Argon2id operations per second at `concurrency`, in this process, for DURATION_MS. */
async function argon2Rate(operation: () => Promise<unknown>, concurrency: number): Promise<number> {
  const warmUntil = performance.now() + WARMUP_MS;
  const loop = async (until: number, onDone: () => void): Promise<void> => {
    while (performance.now() < until) {
      await operation();
      if (performance.now() <= until) onDone();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, () => loop(warmUntil, () => undefined)));
  let done = 0;
  const until = performance.now() + DURATION_MS;
  await Promise.all(Array.from({ length: concurrency }, () => loop(until, () => done++)));
  return done / (DURATION_MS / 1000);
}

interface AlternatingMeasurement {
  /** One load result per round. */
  results: LoadResult[];
  /** Mean throughput of the rounds. */
  throughput: number;
  /** Every round's latencies together. */
  latencies: Pick<LoadResult, 'latenciesMs'>;
  /** Each baseline's measurements, ROUNDS + 1 of them: before the first round and after each. */
  baselineMeasurements: number[][];
  /** Each baseline's rate: for every round the mean of the measurements on either side, averaged. */
  baselineRates: number[];
  /** Each round's throughput over the first baseline around it, to show the spread. */
  roundRatios: number[];
}

/**
 * The machine's speed moves from one measurement to the next (the argon2id rate at concurrency 1
 * moved from 39 to 115 per second in one morning, a bare-route figure by more than half between
 * runs). So a load and its baselines alternate ROUNDS times, the baselines on both ends, and each
 * round is set against the baselines measured just before and just after it: a change in speed
 * weighs on both sides of the ratio alike. A round with a failed request ends the benchmark there.
 */
async function alternate(name: string, baselines: (() => Promise<number>)[], load: () => Promise<LoadResult>): Promise<AlternatingMeasurement> {
  const baselineMeasurements: number[][] = baselines.map(() => []);
  const measureBaselines = async (): Promise<void> => {
    for (const [index, measure] of baselines.entries()) baselineMeasurements[index]!.push(await measure());
  };
  await measureBaselines();
  const results: LoadResult[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const result = await load();
    assertClean(name, result);
    results.push(result);
    await measureBaselines();
  }
  const aroundRound = (measurements: number[], round: number): number => (measurements[round]! + measurements[round + 1]!) / 2;
  return {
    results,
    throughput: mean(results.map((result) => result.throughput)),
    latencies: { latenciesMs: results.flatMap((result) => result.latenciesMs) },
    baselineMeasurements,
    baselineRates: baselineMeasurements.map((measurements) => mean(results.map((_, round) => aroundRound(measurements, round)))),
    roundRatios: results.map((result, round) => result.throughput / aroundRound(baselineMeasurements[0]!, round)),
  };
}

function roundsNote(ratios: readonly number[]): string {
  return `rounds ${ratios.map((ratio) => ratio.toFixed(2)).join(', ')} of the bound`;
}

function latencyNote(result: Pick<LoadResult, 'latenciesMs'>): string {
  return `p50 ${quantile(result.latenciesMs, 0.5).toFixed(1)} ms, p99 ${quantile(result.latenciesMs, 0.99).toFixed(1)} ms`;
}

/** What the load generator itself spent, on the cores the server shares with it. */
function loadGeneratorNote(results: readonly LoadResult[]): string {
  return `load generator ${mean(results.map((result) => result.cpuMsPerRequest)).toFixed(2)} ms CPU per request`;
}

function assertClean(name: string, result: LoadResult): void {
  if (result.errors > 0) {
    throw new Error(`${name}: ${result.errors} of ${result.requests} requests failed (${JSON.stringify(result.errorStatuses)})`);
  }
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

async function startHelloServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const app = new Hono().get('/hello', (c) => c.text('hello'));
  const server = serve({ fetch: app.fetch, port: 0 });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://localhost:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const json = { 'content-type': 'application/json' };

function loginEmails(prefix: string): string[] {
  return Array.from({ length: LOGIN_USERS }, (_, index) => `${prefix}-login-${index}@example.com`);
}

async function signUpLoginUsers(url: string, prefix: string): Promise<string> {
  let cookie = '';
  for (const email of loginEmails(prefix)) {
    const response = await fetch(new URL('/api/signup', url), {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    if (response.status !== 201) throw new Error(`sign-up for the login users answered ${response.status}`);
    cookie ||= (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  }
  return cookie;
}

async function measureDatabase(label: string, databaseUrl: string | undefined, hello: { url: string }): Promise<Figure[]> {
  const { server, cleanup } = await startBenchServer({ databaseUrl });
  let bare: BareServer | undefined;
  const figures: Figure[] = [];
  // Unique per run, so that a PostgreSQL database used twice never meets its own users.
  const prefix = `b${Date.now().toString(36)}`;
  try {
    const cookie = await signUpLoginUsers(server.url, prefix);
    const storedHash = await hashPassword(PASSWORD);
    const base = { url: server.url, durationMs: DURATION_MS, warmupMs: WARMUP_MS };
    const loginRequest: LoadOptions['request'] = {
      method: 'POST',
      path: '/api/login',
      headers: json,
      body: `{"identifier":"${prefix}-login-{n}@example.com","password":"${PASSWORD}"}`,
    };
    // The identifiers cycle through the users made above.
    const loginLoad = { ...base, okStatuses: [200], cycle: LOGIN_USERS, request: loginRequest };
    // On SQLite, the least an HTTP login or read can cost on this machine, measured beside the server's.
    bare = databaseUrl === undefined ? await startBareServer(loginEmails(prefix), storedHash, toPublicConfig(defaultConfig)) : undefined;

    for (const concurrency of CONCURRENCIES) {
      const verify = (): Promise<boolean> => verifyPassword(storedHash, PASSWORD);
      const baselines = [() => argon2Rate(verify, concurrency)];
      const bareUrl = bare?.url;
      if (bareUrl) baselines.push(async () => (await runLoad({ ...loginLoad, url: bareUrl, concurrency })).throughput);
      const login = await alternate(`${label} login`, baselines, () => runLoad({ ...loginLoad, concurrency }));
      const [verifyRate, bareLoginRate] = login.baselineRates;
      figures.push({
        name: `${label}: login, concurrency ${concurrency}`,
        value: login.throughput,
        unit: `logins/s (${latencyNote(login.latencies)}; ${roundsNote(login.roundRatios)}; ${loadGeneratorNote(login.results)})`,
        baseline: { name: 'argon2id verifications', value: verifyRate!, unit: '/s' },
        ratio: login.throughput / verifyRate!,
        ratioMeaning: 'share of the argon2id bound',
        target: `≥ ${HASH_TARGET}`,
        met: login.throughput / verifyRate! >= HASH_TARGET,
      });
      if (bareLoginRate !== undefined) {
        figures.push({
          name: `${label}: bare Hono login (one SELECT, the verification, one INSERT), concurrency ${concurrency}`,
          value: bareLoginRate,
          unit: `logins/s (rounds ${login.baselineMeasurements[1]!.map(Math.round).join(', ')})`,
          baseline: { name: 'argon2id verifications', value: verifyRate!, unit: '/s' },
          ratio: bareLoginRate / verifyRate!,
          ratioMeaning: 'share of the argon2id bound',
        });
      }

      const hash = (): Promise<string> => hashPassword(PASSWORD);
      // What a sign-up cannot avoid: the hash, and the policy check (the zxcvbn-ts estimate, on
      // this thread) running beside it, as the server runs them.
      let signupNumber = 0;
      const hashAndCheck = (): Promise<unknown> =>
        Promise.all([hash(), evaluatePassword(PASSWORD, policy, { email: `${prefix}-bound-${signupNumber++}@example.com` })]);
      let signupRound = 0;
      const signup = await alternate(`${label} sign-up`, [() => argon2Rate(hash, concurrency), () => argon2Rate(hashAndCheck, concurrency)], () =>
        runLoad({
          ...base,
          concurrency,
          okStatuses: [201],
          // A new email in every request of every round.
          uniqueOffset: concurrency * 1_000_000 + signupRound++ * 100_000,
          request: { method: 'POST', path: '/api/signup', headers: json, body: `{"email":"${prefix}-new-{n}@example.com","password":"${PASSWORD}"}` },
        }),
      );
      const [hashRate, checkedRate] = signup.baselineRates;
      figures.push({
        name: `${label}: sign-up, concurrency ${concurrency}`,
        value: signup.throughput,
        unit: `sign-ups/s (${latencyNote(signup.latencies)}; ${roundsNote(signup.roundRatios)}; ${loadGeneratorNote(signup.results)})`,
        baseline: { name: 'argon2id hashes', value: hashRate!, unit: '/s' },
        ratio: signup.throughput / hashRate!,
        ratioMeaning: 'share of the argon2id bound',
        target: `≥ ${HASH_TARGET}`,
        met: signup.throughput / hashRate! >= HASH_TARGET,
      });
      figures.push({
        name: `${label}: sign-up, concurrency ${concurrency}, against hash and policy check`,
        value: signup.throughput,
        unit: 'sign-ups/s',
        baseline: { name: 'argon2id hashes with the policy check beside each', value: checkedRate!, unit: '/s' },
        ratio: signup.throughput / checkedRate!,
        ratioMeaning: 'share of the hash-and-check bound',
      });
    }

    type BareRead = { url: string; request: LoadOptions['request']; does: string };
    const reads: { name: string; request: LoadOptions['request']; bare?: BareRead }[] = [
      {
        name: 'GET /api/config',
        request: { method: 'GET', path: '/api/config' },
        bare: bare && { url: bare.url, request: { method: 'GET', path: '/api/config' }, does: "the same JSON, the API's headers" },
      },
      {
        name: 'GET /api/session',
        request: { method: 'GET', path: '/api/session', headers: { cookie } },
        bare: bare && {
          url: bare.url,
          request: { method: 'GET', path: '/api/session', headers: { cookie: bare.sessionCookie } },
          does: "the cookie, one SELECT, the API's headers",
        },
      },
    ];
    const readLoad = { ...base, concurrency: READ_CONCURRENCY, okStatuses: [200] };
    const helloRate = async (): Promise<number> => (await runLoad({ ...readLoad, url: hello.url, request: { method: 'GET', path: '/hello' } })).throughput;
    for (const { name, request, bare: bareRead } of reads) {
      const baselines = [helloRate];
      if (bareRead) baselines.push(async () => (await runLoad({ ...readLoad, url: bareRead.url, request: bareRead.request })).throughput);
      const read = await alternate(`${label} ${name}`, baselines, () => runLoad({ ...readLoad, request }));
      const [helloThroughput, bareThroughput] = read.baselineRates;
      const helloBaseline = { name: 'bare Hono "hello"', value: helloThroughput!, unit: `requests/s (rounds ${read.baselineMeasurements[0]!.map(Math.round).join(', ')})` };
      figures.push({
        name: `${label}: ${name}, concurrency ${READ_CONCURRENCY}`,
        value: read.throughput,
        unit: `requests/s (${latencyNote(read.latencies)}; rounds ${read.results.map((result) => Math.round(result.throughput)).join(', ')}; ${loadGeneratorNote(read.results)})`,
        baseline: helloBaseline,
        ratio: read.throughput / helloThroughput!,
        ratioMeaning: 'share of bare Hono',
        target: `≥ ${READ_TARGET}`,
        met: read.throughput / helloThroughput! >= READ_TARGET,
      });
      if (bareRead && bareThroughput !== undefined) {
        figures.push({
          name: `${label}: bare Hono ${name} (${bareRead.does}), concurrency ${READ_CONCURRENCY}`,
          value: bareThroughput,
          unit: `requests/s (rounds ${read.baselineMeasurements[1]!.map(Math.round).join(', ')}; the server's is ${(read.throughput / bareThroughput).toFixed(2)} of it)`,
          baseline: helloBaseline,
          ratio: bareThroughput / helloThroughput!,
          ratioMeaning: 'share of bare Hono',
        });
      }
    }
  } finally {
    await bare?.close();
    await cleanup();
  }
  return figures;
}

async function main(): Promise<void> {
  const hello = await startHelloServer();
  const figures: Figure[] = [];
  try {
    figures.push(...(await measureDatabase('SQLite', undefined, hello)));
    const postgres = process.env.BENCH_DATABASE_URL;
    if (postgres) figures.push(...(await measureDatabase('PostgreSQL', postgres, hello)));
    else process.stdout.write('PostgreSQL figures skipped: set BENCH_DATABASE_URL=postgres://… to measure them too.\n');
  } finally {
    await hello.close();
  }
  recordSection('server', figures, { durationMs: DURATION_MS, warmupMs: WARMUP_MS, rounds: ROUNDS, readConcurrency: READ_CONCURRENCY, loginUsers: LOGIN_USERS });
}

await main();
