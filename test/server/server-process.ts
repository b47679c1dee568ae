/**
 * The server as its own process (`provision-lock serve --port 0`): for tests that kill it, restart
 * it, run several on one database, or check what an operator sees.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

import { createTestDatabase } from './test-database.js';

export interface ServerProcess {
  /** The URL the server printed when it was ready. */
  url: string;
  child: ChildProcessWithoutNullStreams;
  /** SIGKILL: no shutdown code runs, as in a power cut or an out-of-memory kill. */
  crash(): Promise<void>;
  /** SIGTERM: the server shuts down cleanly. */
  stop(): Promise<void>;
}

/** Starts `provision-lock serve` with `env`; on a database of its own unless `env.DATABASE_URL` names one. */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const DATABASE_URL = env.DATABASE_URL ?? (await createTestDatabase()).url;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/cli.ts', 'serve', '--port', '0'], {
    env: { ...process.env, PROVISION_LOCK_CONFIG: '', PORT: '', ...env, DATABASE_URL },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Read, so that a chatty server never blocks on a full pipe; the tail explains a failed start.
  let errorOutput = '';
  child.stderr.on('data', (chunk: Buffer) => {
    errorOutput = (errorOutput + chunk.toString()).slice(-4000);
  });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}: ${errorOutput}`)));
  });
  const end = async (signal: NodeJS.Signals): Promise<void> => {
    child.kill(signal);
    await exited;
  };
  return { url, child, crash: () => end('SIGKILL'), stop: () => end('SIGTERM') };
}
