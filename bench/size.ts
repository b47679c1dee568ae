/**
 * `npm run size`: the gzip and brotli sizes of the script-tag bundle and of each lazy chunk, and
 * a hard budget on the bundle every page downloads (its lazy chunks load only when needed).
 * Writes the figures to bench/size.json for the benchmark report.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export const BUNDLE_BUDGET_GZIP_BYTES = 20 * 1024;

export interface SizeFigure {
  file: string;
  raw: number;
  gzip: number;
  brotli: number;
}

export function measure(path: string, name = path): SizeFigure {
  const content = readFileSync(path);
  return {
    file: name,
    raw: content.length,
    gzip: gzipSync(content, { level: 9 }).length,
    brotli: brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

function kilobytes(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

function main(): void {
  const dist = 'dist';
  const bundle = measure(join(dist, 'provision-lock.js'), 'provision-lock.js');
  const chunks = readdirSync(join(dist, 'chunks'))
    .filter((name) => name.endsWith('.js'))
    .sort()
    .map((name) => measure(join(dist, 'chunks', name), `chunks/${name}`));

  const rows = [bundle, ...chunks].map(
    (figure) =>
      `${figure.file.padEnd(40)} ${kilobytes(figure.raw).padStart(10)} raw ${kilobytes(figure.gzip).padStart(10)} gzip ${kilobytes(figure.brotli).padStart(10)} brotli`,
  );
  process.stdout.write(`${rows.join('\n')}\n`);
  writeFileSync(join('bench', 'size.json'), `${JSON.stringify({ bundle, chunks }, null, 2)}\n`);

  const share = ((bundle.gzip / BUNDLE_BUDGET_GZIP_BYTES) * 100).toFixed(0);
  if (bundle.gzip > BUNDLE_BUDGET_GZIP_BYTES) {
    process.stderr.write(
      `provision-lock.js is ${kilobytes(bundle.gzip)} gzipped, over its budget of ${kilobytes(BUNDLE_BUDGET_GZIP_BYTES)}.\n`,
    );
    process.exit(1);
  }
  process.stdout.write(`provision-lock.js: ${kilobytes(bundle.gzip)} gzipped, ${share} % of the ${kilobytes(BUNDLE_BUDGET_GZIP_BYTES)} budget.\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
