import { defineConfig } from 'vite';

/**
 * Builds the browser side into dist/: the package entry as an ES module, with the zxcvbn-ts
 * dictionaries split into lazy chunks beside it by their dynamic imports.
 */
export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    target: 'es2022',
    sourcemap: true,
    lib: {
      entry: 'src/index.ts',
      formats: ['es'],
      fileName: () => 'provision-lock.js',
    },
  },
});
