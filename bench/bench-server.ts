/** The reference server for benchmarks: started as `npm start` starts it, in this process. */
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import type { ServerConfig } from '../src/server/config.js';
import { createConsoleLogger } from '../src/server/logger.js';
import { startServer, type RunningServer } from '../src/server/main.js';

export interface StartedServer {
  server: RunningServer;
  cleanup: () => Promise<void>;
}

export interface BenchServerOptions {
  /** `postgres://…`; a fresh SQLite file in a temporary folder by default. */
  databaseUrl?: string | undefined;
  /** Configuration on top of the benchmark's (production's, with rate limits no load here reaches). */
  config?: Record<string, unknown>;
}

/**
 * Every rate limit's allowance as large as the configuration accepts: far more than a benchmark
 * sends from its one address in a run, so none is ever refused, while each request still pays for
 * its bucket as in production.
 */
const ALLOWANCE_NO_LOAD_REACHES = { burst: 1_000_000, perMinute: 1_000_000 };

/** Every bucket the server has: TypeScript refuses this object if one is left out. */
const RATE_LIMITS_NO_LOAD_REACHES: Omit<ServerConfig['rateLimits'], 'enabled'> = {
  login: ALLOWANCE_NO_LOAD_REACHES,
  signup: ALLOWANCE_NO_LOAD_REACHES,
  social: ALLOWANCE_NO_LOAD_REACHES,
  passwordReset: ALLOWANCE_NO_LOAD_REACHES,
  management: ALLOWANCE_NO_LOAD_REACHES,
};

/** The reference server as `npm start` runs it, on a free port. */
export async function startBenchServer(options: BenchServerOptions = {}): Promise<StartedServer> {
  const { databaseUrl, config = {} } = options;
  const folder = mkdtempSync(join(tmpdir(), 'provision-lock-bench-'));
  const configPath = join(folder, 'config.json');
  // Production's bookkeeping runs (the rate limits' buckets, brute-force counting: a login and a
  // sign-up pay for them), but the limits never refuse: a benchmark must not measure its own 429s.
  writeFileSync(configPath, JSON.stringify({ rateLimits: { enabled: true, ...RATE_LIMITS_NO_LOAD_REACHES }, ...config }));
  // Its log (a line per request) goes to a file beside the database, written as Node writes stderr
  // to a file or a pipe: synchronously.
  const logFile = openSync(join(folder, 'server.log'), 'a');
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      writeSync(logFile, chunk);
      done();
    },
  });
  const server = await startServer({
    port: 0,
    configPath,
    logger: createConsoleLogger(logStream),
    env: { DATABASE_URL: databaseUrl ?? `sqlite:${join(folder, 'bench.db')}`, NODE_ENV: 'production' },
  });
  return {
    server,
    cleanup: async () => {
      await server.close();
      closeSync(logFile);
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

