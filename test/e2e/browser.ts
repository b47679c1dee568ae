/**
 * End-to-end helpers: a real server on a free port over a fresh SQLite file, and the machine's
 * Chromium driven by playwright-core (never a downloaded browser).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium, type Browser, type Page } from 'playwright-core';

import { silentLogger } from '../../src/server/logger.js';
import { startServer, type RunningServer } from '../../src/server/main.js';

/** A port nobody listens on right now, for a server whose URL must be known before it starts. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export interface E2eServerOptions {
  env?: Record<string, string>;
  /** The configuration file's content. */
  config?: object;
  port?: number;
}

export async function startE2eServer(options: E2eServerOptions = {}): Promise<RunningServer & { cleanUp(): Promise<void> }> {
  const folder = mkdtempSync(join(tmpdir(), 'provision-lock-e2e-'));
  const configPath = join(folder, 'config.json');
  writeFileSync(configPath, JSON.stringify(options.config ?? {}));
  const server = await startServer({
    port: options.port ?? 0,
    configPath,
    logger: silentLogger,
    env: { DATABASE_URL: `sqlite:${join(folder, 'e2e.db')}`, ...options.env },
  });
  return {
    ...server,
    cleanUp: async () => {
      await server.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    chromiumSandbox: false,
    args: ['--headless=new', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Collects Content-Security-Policy violations the page reports, from its first script on. */
export async function watchCspViolations(page: Page): Promise<() => Promise<string[]>> {
  const console: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) console.push(message.text());
  });
  await page.addInitScript(() => {
    const found: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = found;
    document.addEventListener('securitypolicyviolation', (event) => {
      found.push(`${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  return async () => [
    ...console,
    ...(await page.evaluate(() => (window as unknown as { cspViolations?: string[] }).cspViolations ?? [])),
  ];
}
