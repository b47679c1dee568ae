/**
 * Bundles browser entry points with the widget's own Vite configuration (vite.config.ts: ES
 * module, es2022, fully minified, every dependency bundled, dynamic imports as lazy chunks), so
 * that a baseline page or a competitor's package is built exactly as `dist/provision-lock.js` is.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from 'vite';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface BundleOptions {
  /** Output name (without `.js`) → entry module path. */
  entries: Readonly<Record<string, string>>;
  outDir: string;
  /**
   * Replacements for packages written for a bundler that substitutes them (React-era CommonJS
   * reads `process.env.NODE_ENV`); the widget's own code needs none.
   */
  define?: Readonly<Record<string, string>>;
}

/** Builds the entries into `outDir` (emptied first) and lists every `.js` file written, relative to it. */
export async function bundleForBrowser(options: BundleOptions): Promise<string[]> {
  await build({
    configFile: join(PROJECT_ROOT, 'vite.config.ts'),
    mode: 'production',
    logLevel: 'warn',
    ...(options.define ? { define: { ...options.define } } : {}),
    build: {
      outDir: options.outDir,
      emptyOutDir: true,
      // Source maps do not change the bundles' sizes; the benchmark has no use for them.
      sourcemap: false,
      // Sizes are what we measure here; Vite's own size report would only repeat them.
      reportCompressedSize: false,
      lib: { entry: { ...options.entries }, formats: ['es'], fileName: (_format, name) => `${name}.js` },
    },
  });
  return listJavaScript(options.outDir);
}

function listJavaScript(folder: string, prefix = ''): string[] {
  return readdirSync(folder, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory()
        ? listJavaScript(join(folder, entry.name), `${prefix}${entry.name}/`)
        : entry.name.endsWith('.js')
          ? [`${prefix}${entry.name}`]
          : [],
    )
    .sort();
}
