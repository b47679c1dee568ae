/**
 * What the browser benchmarks run against: the reference server (its API, and the built widget
 * under `/assets/` as a real page gets it), plus the benchmark pages under `/bench/`, all under
 * the pages' strict Content-Security-Policy, and the machine's Chromium.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { chromium, type Browser } from 'playwright-core';

import { createApp } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/config.js';
import { PAGE_CONTENT_SECURITY_POLICY } from '../../src/server/routes/pages.js';
import { serveFile } from '../../src/server/routes/static-files.js';
import { migrateToLatest, openDatabase } from '../../src/server/store/database.js';
import { bundleForBrowser } from '../browser-bundle.js';

const PAGES_DIR = fileURLToPath(new URL('.', import.meta.url));
export const BENCH_PAGES = ['widget.html', 'widget-signup.html', 'bare-lit.html'] as const;
export type BenchPage = (typeof BENCH_PAGES)[number];

export interface BenchServer {
  url: string;
  close(): Promise<void>;
}

/** Builds the pages' scripts (the probe and the bare Lit element) with the widget's settings, then serves. */
export async function startBenchServer(): Promise<BenchServer> {
  const built = mkdtempSync(join(tmpdir(), 'provision-lock-bench-pages-'));
  await bundleForBrowser({
    entries: { probe: join(PAGES_DIR, 'probe.ts'), 'bare-lit': join(PAGES_DIR, 'bare-lit.ts') },
    outDir: built,
  });

  const config = loadConfig({ env: { DATABASE_URL: 'sqlite::memory:' } });
  const db = openDatabase(config.databaseUrl);
  await migrateToLatest(db);
  const app = createApp({ config, db });

  const bench = new Hono();
  bench.get('/bench/:file', async (c) => {
    const file = c.req.param('file');
    c.header('Content-Security-Policy', PAGE_CONTENT_SECURITY_POLICY);
    c.header('Cache-Control', 'no-store');
    if ((BENCH_PAGES as readonly string[]).includes(file)) return c.html(readFileSync(join(PAGES_DIR, file), 'utf8'));
    return (await serveFile(c, built, file)) ?? c.notFound();
  });
  bench.route('/', app);

  const server = serve({ fetch: bench.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.destroy();
      rmSync(built, { recursive: true, force: true });
    },
  };
}

/** The machine's Chromium, as the end-to-end tests start it. */
export function launchBenchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    chromiumSandbox: false,
    args: ['--headless=new', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
