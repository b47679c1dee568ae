/**
 * Starts the reference server: configuration, database (migrated), the app, a port, housekeeping.
 * This is what `npm start` and `provision-lock serve` run.
 */
import type { AddressInfo } from 'node:net';

import { serve } from '@hono/node-server';

import { createApp } from './app.js';
import { loadConfig, type LoadConfigOptions } from './config.js';
import { createConsoleLogger, type Logger } from './logger.js';
import { systemClock } from './services/clock.js';
import { createServices, runHousekeeping } from './services/index.js';
import { migrateToLatest, openDatabase } from './store/database.js';

const HOUSEKEEPING_INTERVAL_MS = 10 * 60_000;

export interface StartOptions extends LoadConfigOptions {
  /** Overrides `PORT`; 0 picks a free port. */
  port?: number | undefined;
  logger?: Logger;
}

export interface RunningServer {
  /** Where browsers reach it: `PUBLIC_URL` when set (a load balancer, say), else `listeningUrl`. */
  url: string;
  /** This process's own port on this machine, whatever is in front of it. */
  listeningUrl: string;
  close(): Promise<void>;
}

export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createConsoleLogger();
  const config = loadConfig(options);
  const db = openDatabase(config.databaseUrl, {
    onConnectionError: (error) => logger.warn('a database connection broke; it will be replaced', { error: error.message }),
  });
  try {
    await migrateToLatest(db);
  } catch (error) {
    await db.destroy();
    throw error;
  }

  const services = createServices(db, config, systemClock, logger);
  const app = createApp({ config, db, logger, services });
  const server = serve({ fetch: app.fetch, port: options.port ?? config.port });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const listeningUrl = `http://localhost:${port}`;
  const url = config.publicUrl?.origin ?? listeningUrl;

  if (!config.publicUrl && config.passwordReset.enabled) {
    logger.warn('PUBLIC_URL is not set: password reset links are mailed only for requests to localhost');
  }
  services.jobs.start();
  const housekeeping = setInterval(() => {
    runHousekeeping(services).catch((error: unknown) => {
      logger.warn('housekeeping failed', { error: error instanceof Error ? error.message : String(error) });
    });
  }, HOUSEKEEPING_INTERVAL_MS);
  housekeeping.unref();

  return {
    url,
    listeningUrl,
    close: async () => {
      clearInterval(housekeeping);
      await services.jobs.stop();
      await services.background.idle();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.destroy();
      // The last requests' lines, which would otherwise wait for their timer or the process's exit.
      logger.flush?.();
    },
  };
}
