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
