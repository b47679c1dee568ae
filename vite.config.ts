import { resolve } from 'node:path';

import { minifyHTMLLiterals } from 'minify-literals';
import { defineConfig, type Plugin } from 'vite';

/**
 * Lit's html`` and css`` templates reach the bundle as written, indentation included; this
 * minifies the template text (not the expressions) of the widget's modules.
 */
function minifyLitTemplates(): Plugin {
  return {
    name: 'minify-lit-templates',
    enforce: 'post',
    async transform(code, id) {
      if (!id.includes('/src/lock/')) return null;
      const result = await minifyHTMLLiterals(code, { fileName: id });
      return result ? { code: result.code, map: result.map?.toString() } : null;
    },
  };
}

export default defineConfig(({ mode }) =>
  mode === 'demo'
    ? {
        root: resolve(import.meta.dirname, 'demo'),
        base: '/demo/',
        build: { outDir: resolve(import.meta.dirname, 'dist/demo'), emptyOutDir: true, target: 'es2022' },
      }
    : {
        plugins: [minifyLitTemplates()],
        // Lazy chunks and the strength worker are found beside the script that asks for them,
        // wherever a page serves it from (`/assets/` on the reference server, a CDN, node_modules).
        base: './',
        worker: {
          format: 'es',
          plugins: () => [minifyLitTemplates()],
          rolldownOptions: { output: { entryFileNames: 'chunks/[name]-[hash].js', chunkFileNames: 'chunks/[name]-[hash].js', minify: true } },
        },
        build: {
          outDir: 'dist',
          // The first step of `npm run build`: start from an empty dist/.
          emptyOutDir: true,
          target: 'es2022',
          sourcemap: true,
          minify: true,
          lib: { entry: 'src/lock/provision-lock.ts', formats: ['es'], fileName: () => 'provision-lock.js' },
          rolldownOptions: {
            // Lib mode keeps the entry's exports exactly as written, so code that the entry shares
            // with a lazy chunk (the policy's character helpers, needed by the strength estimators)
            // would go to a chunk of its own, fetched before the first render. Letting the entry
            // export it to its lazy chunks keeps the first render to one script.
            preserveEntrySignatures: 'allow-extension',
            output: {
              // Lib mode keeps whitespace in ES output; the script-tag build is for browsers, so minify fully.
              minify: true,
              chunkFileNames: 'chunks/[name]-[hash].js',
            },
          },
        },
      },
);
