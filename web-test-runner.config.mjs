// Widget tests: @open-wc/testing in the machine's Chromium, against the real server (see
// test/lock/api-harness.ts). Run through `node --import tsx` so this file can load TypeScript.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';

import { apiHarness } from './test/lock/api-harness.ts';

/**
 * The widget starts its strength worker with `new URL('./strength-worker.js', import.meta.url)`,
 * the name that Vite and tsc give the built file; here the browser asks for it next to the
 * TypeScript source, so serve the source under that name (esbuild then compiles it).
 */
async function serveStrengthWorkerSource(context, next) {
  if (context.path === '/src/lock/strength-worker.js') context.path = '/src/lock/strength-worker.ts';
  return next();
}

export default {
  files: ['test/lock/**/*.test.ts'],
  nodeResolve: true,
  concurrency: 1,
  testFramework: { config: { timeout: 10000 } },
  plugins: [esbuildPlugin({ ts: true, tsconfig: 'tsconfig.json' })],
  middleware: [serveStrengthWorkerSource, apiHarness()],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
        args: [
          '--no-sandbox',
          '--headless=new',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      },
    }),
  ],
};
