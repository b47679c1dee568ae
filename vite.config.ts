import { resolve } from 'node:path';

import { defineConfig } from 'vite';

/**
 * Two builds:
 * - `vite build`: `dist/provision-lock.js`, the self-contained module for a `<script type="module">`
 *   tag (Lit included), with lazy chunks beside it in `dist/chunks/` (zxcvbn-ts dictionaries and
 *   the languages other than English).
 * - `vite build --mode demo`: the demo page into `dist/demo/`; it loads the widget from
 *   `/assets/provision-lock.js` exactly as a web page using the script tag would.
 */
export default defineConfig(({ mode }) =>
  mode === 'demo'
    ? {
        root: resolve(import.meta.dirname, 'demo'),
        base: '/demo/',
        build: { outDir: resolve(import.meta.dirname, 'dist/demo'), emptyOutDir: true, target: 'es2022' },
      }
    : {
        build: {
          outDir: 'dist',
          // The first step of `npm run build`: start from an empty dist/.
          emptyOutDir: true,
          target: 'es2022',
          sourcemap: true,
          minify: true,
          lib: { entry: 'src/lock/provision-lock.ts', formats: ['es'], fileName: () => 'provision-lock.js' },
          rolldownOptions: {
            output: {
              // Lib mode keeps whitespace in ES output; the script-tag build is for browsers, so minify fully.
              minify: true,
              chunkFileNames: 'chunks/[name]-[hash].js',
            },
          },
        },
      },
);
