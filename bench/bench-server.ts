/** The reference server for benchmarks: started as `npm start` starts it, in this process. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { silentLogger } from '../src/server/logger.js';
import { startServer, type RunningServer } from '../src/server/main.js';

export interface StartedServer {
  server: RunningServer;
  cleanup: () => Promise<void>;
}

export interface BenchServerOptions {
  /** `postgres://…`; a fresh SQLite file in a temporary folder by default. */
  databaseUrl?: string | undefined;
  /** Configuration on top of the benchmark's (rate limits and brute-force blocks off). */
  config?: Record<string, unknown>;
}

/** The reference server as `npm start` runs it, on a free port, without limits and logs. */
export async function startBenchServer(options: BenchServerOptions = {}): Promise<StartedServer> {
  const { databaseUrl, config = {} } = options;
  const folder = mkdtempSync(join(tmpdir(), 'provision-lock-bench-'));
  const configPath = join(folder, 'config.json');
  // Limits would turn a benchmark into a test of the limits: they are measured elsewhere.
  writeFileSync(configPath, JSON.stringify({ rateLimits: { enabled: false }, bruteForce: { enabled: false }, ...config }));
  const server = await startServer({
    port: 0,
    configPath,
    logger: silentLogger,
    env: { DATABASE_URL: databaseUrl ?? `sqlite:${join(folder, 'bench.db')}`, NODE_ENV: 'production' },
  });
  return {
    server,
    cleanup: async () => {
      await server.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

