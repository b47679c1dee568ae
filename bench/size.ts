/**
 * `npm run size`: the gzip and brotli sizes of the script-tag bundle and of each lazy chunk, and
 * a hard budget on the bundle every page downloads (its lazy chunks load only when needed).
 * Writes the figures to bench/size.json for the benchmark report.
 *
 * Under `npm run bench` (BENCH=1) it also records the "size" section of bench/results.json, with
 * two comparisons built by the same script and the same Vite settings as the widget: a bare Lit
 * element (the floor any Lit widget starts from) and the login widgets people migrate from, Auth0
 * Lock and Hanko Elements, installed into a scratch folder outside the repository. The budget
 * check alone stays offline and quick, since `npm test` runs it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

import type { Figure } from './results.js';

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

/**
 * What a hashed chunk holds, from its source map: the package it comes from, or the widget's own
 * file ("chunks/dist-Dkk6rrl2.js" says nothing; "@zxcvbn-ts/language-en" does).
 */
function chunkContents(chunkPath: string): string | undefined {
  const mapPath = `${chunkPath}.map`;
  if (!existsSync(mapPath)) return undefined;
  const { sources } = JSON.parse(readFileSync(mapPath, 'utf8')) as { sources?: string[] };
  const origins = new Set(
    (sources ?? []).map((source) => {
      const fromPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source);
      return fromPackage?.[1] ?? source.replace(/^(\.\.\/)+/, '');
    }),
  );
  return origins.size > 0 ? [...origins].join(', ') : undefined;
}

interface BundleSizes {
  bundle: SizeFigure;
  chunks: (SizeFigure & { contents?: string })[];
}

function measureDist(dist: string): BundleSizes {
  const bundle = measure(join(dist, 'provision-lock.js'), 'provision-lock.js');
  const chunks = readdirSync(join(dist, 'chunks'))
    .filter((name) => name.endsWith('.js'))
    .sort()
    .map((name) => {
      const path = join(dist, 'chunks', name);
      const contents = chunkContents(path);
      return { ...measure(path, `chunks/${name}`), ...(contents ? { contents } : {}) };
    });
  return { bundle, chunks };
}

// ---------------------------------------------------------------------------------------------
// The comparison (BENCH=1 only)

/** Outside the repository: nothing installed here can reach a commit, a lint run or the type check. */
const COMPARE_DIR = join(tmpdir(), 'provision-lock-bench-compare');

interface Competitor {
  label: string;
  packageName: string;
  /** The module a page would load: the package's main export kept alive so nothing is shaken off. */
  entrySource: string;
}

const COMPETITORS: readonly Competitor[] = [
  { label: 'Auth0 Lock', packageName: 'auth0-lock', entrySource: "export { default } from 'auth0-lock';\n" },
  {
    label: 'Hanko Elements',
    packageName: '@teamhanko/hanko-elements',
    entrySource: "export * from '@teamhanko/hanko-elements';\n",
  },
];

interface ComparedBundle {
  label: string;
  version: string;
  /** The module the page loads. */
  entry: SizeFigure;
  /** The entry and every chunk it may load later. */
  total: SizeFigure;
  files: number;
}

function installedVersion(packageName: string): string | undefined {
  const manifest = join(COMPARE_DIR, 'node_modules', packageName, 'package.json');
  return existsSync(manifest) ? (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version : undefined;
}

/** Installs the competitors once (later runs reuse them, offline); the reason when it cannot. */
function installCompetitors(): string | undefined {
  if (COMPETITORS.every((competitor) => installedVersion(competitor.packageName))) return undefined;
  mkdirSync(COMPARE_DIR, { recursive: true });
  const manifest = join(COMPARE_DIR, 'package.json');
  if (!existsSync(manifest)) writeFileSync(manifest, `${JSON.stringify({ name: 'bench-compare', private: true }, null, 2)}\n`);
  process.stdout.write(`Installing ${COMPETITORS.map((c) => c.packageName).join(' and ')} into ${COMPARE_DIR}…\n`);
  const install = spawnSync(
    'npm',
    // Their install scripts are not needed to bundle them.
    ['install', '--prefix', COMPARE_DIR, '--no-audit', '--no-fund', '--ignore-scripts', ...COMPETITORS.map((c) => c.packageName)],
    { encoding: 'utf8', timeout: 300_000 },
  );
  if (install.status === 0) return undefined;
  const output = `${install.stderr ?? ''}${install.error?.message ?? ''}`.trim().split('\n').slice(-3).join(' ');
  return `npm install failed (${output || `exit ${String(install.status)}`})`;
}

function measureBuilt(folder: string, files: readonly string[], entryFile: string): { entry: SizeFigure; total: SizeFigure; files: number } {
  const sizes = files.map((file) => measure(join(folder, file), file));
  const entry = sizes.find((size) => size.file === entryFile);
  if (!entry) throw new Error(`${entryFile} was not built`);
  const total = sizes.reduce(
    (sum, size) => ({ file: 'total', raw: sum.raw + size.raw, gzip: sum.gzip + size.gzip, brotli: sum.brotli + size.brotli }),
    { file: 'total', raw: 0, gzip: 0, brotli: 0 },
  );
  return { entry, total, files: sizes.length };
}

async function buildComparison(): Promise<{ bundles: ComparedBundle[]; skipped: string[] }> {
  // Loaded here so that the offline budget check never starts Vite.
  const { bundleForBrowser } = await import('./browser-bundle.js');
  const bundles: ComparedBundle[] = [];
  const skipped: string[] = [];

  const ownVersion = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
  const ownOut = join(COMPARE_DIR, 'out', 'provision-lock');
  const ownFiles = await bundleForBrowser({
    entries: { 'provision-lock': fileURLToPath(new URL('../src/lock/provision-lock.ts', import.meta.url)) },
    outDir: ownOut,
  });
  bundles.push({ label: 'provision-lock', version: ownVersion, ...measureBuilt(ownOut, ownFiles, 'provision-lock.js') });

  const litOut = join(COMPARE_DIR, 'out', 'bare-lit');
  const litFiles = await bundleForBrowser({
    entries: { 'bare-lit': fileURLToPath(new URL('./pages/bare-lit.ts', import.meta.url)) },
    outDir: litOut,
  });
  const litVersion = (JSON.parse(readFileSync(join('node_modules', 'lit', 'package.json'), 'utf8')) as { version: string }).version;
  bundles.push({ label: 'bare Lit element', version: litVersion, ...measureBuilt(litOut, litFiles, 'bare-lit.js') });

  const installProblem = installCompetitors();
  for (const competitor of COMPETITORS) {
    const version = installedVersion(competitor.packageName);
    if (!version) {
      skipped.push(`${competitor.label}: ${installProblem ?? 'not installed'}`);
      continue;
    }
    const name = competitor.packageName.replace(/[@/]/g, '-').replace(/^-/, '');
    const entryPath = join(COMPARE_DIR, `${name}.entry.js`);
    writeFileSync(entryPath, competitor.entrySource);
    const outDir = join(COMPARE_DIR, 'out', name);
    try {
      const files = await bundleForBrowser({
        entries: { [name]: entryPath },
        outDir,
        // Their React-era dependencies branch on NODE_ENV; a page gets the production branch.
        define: { 'process.env.NODE_ENV': JSON.stringify('production') },
      });
      bundles.push({ label: competitor.label, version, ...measureBuilt(outDir, files, `${name}.js`) });
    } catch (error) {
      skipped.push(`${competitor.label}: the bundle failed (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
    }
  }
  return { bundles, skipped };
}

function sizeFigures(sizes: BundleSizes, comparison: { bundles: ComparedBundle[] } | undefined): Figure[] {
  const budget = `≤ ${kilobytes(BUNDLE_BUDGET_GZIP_BYTES)} gzip`;
  const figures: Figure[] = [];
  const litAlone = comparison?.bundles.find((bundle) => bundle.label === 'bare Lit element');
  figures.push({
    name: 'provision-lock.js gzip',
    value: sizes.bundle.gzip,
    unit: 'bytes',
    ...(litAlone
      ? { baseline: { name: 'bare Lit element gzip', value: litAlone.entry.gzip, unit: 'bytes' }, ratio: sizes.bundle.gzip / litAlone.entry.gzip, ratioMeaning: 'times a bare Lit element' }
      : {}),
    target: budget,
    met: sizes.bundle.gzip <= BUNDLE_BUDGET_GZIP_BYTES,
  });
  figures.push({
    name: 'provision-lock.js brotli',
    value: sizes.bundle.brotli,
    unit: 'bytes',
    ...(litAlone
      ? { baseline: { name: 'bare Lit element brotli', value: litAlone.entry.brotli, unit: 'bytes' }, ratio: sizes.bundle.brotli / litAlone.entry.brotli, ratioMeaning: 'times a bare Lit element' }
      : {}),
  });
  for (const chunk of sizes.chunks) {
    const label = `${chunk.file}${chunk.contents ? ` (${chunk.contents})` : ''}`;
    figures.push({ name: `${label} gzip`, value: chunk.gzip, unit: 'bytes' }, { name: `${label} brotli`, value: chunk.brotli, unit: 'bytes' });
  }
  const own = comparison?.bundles.find((bundle) => bundle.label === 'provision-lock');
  for (const bundle of comparison?.bundles ?? []) {
    if (bundle.label === 'provision-lock' || bundle.label === 'bare Lit element' || !own) continue;
    for (const encoding of ['gzip', 'brotli'] as const) {
      figures.push({
        name: `${bundle.label} ${bundle.version} entry ${encoding}`,
        value: bundle.entry[encoding],
        unit: 'bytes',
        baseline: { name: `provision-lock entry ${encoding}`, value: own.entry[encoding], unit: 'bytes' },
        ratio: bundle.entry[encoding] / own.entry[encoding],
        ratioMeaning: 'times provision-lock',
      });
    }
  }
  return figures;
}

async function main(): Promise<void> {
  const sizes = measureDist('dist');
  const rows = [sizes.bundle, ...sizes.chunks].map(
    (figure) =>
      `${figure.file.padEnd(40)} ${kilobytes(figure.raw).padStart(10)} raw ${kilobytes(figure.gzip).padStart(10)} gzip ${kilobytes(figure.brotli).padStart(10)} brotli`,
  );
  process.stdout.write(`${rows.join('\n')}\n`);
  writeFileSync(join('bench', 'size.json'), `${JSON.stringify(sizes, null, 2)}\n`);

  const overBudget = sizes.bundle.gzip > BUNDLE_BUDGET_GZIP_BYTES;
  const share = ((sizes.bundle.gzip / BUNDLE_BUDGET_GZIP_BYTES) * 100).toFixed(0);
  if (overBudget) {
    process.stderr.write(
      `provision-lock.js is ${kilobytes(sizes.bundle.gzip)} gzipped, over its budget of ${kilobytes(BUNDLE_BUDGET_GZIP_BYTES)}.\n`,
    );
  } else {
    process.stdout.write(`provision-lock.js: ${kilobytes(sizes.bundle.gzip)} gzipped, ${share} % of the ${kilobytes(BUNDLE_BUDGET_GZIP_BYTES)} budget.\n`);
  }

  if (process.env.BENCH === '1') {
    const comparison = await buildComparison();
    const table = comparison.bundles.map(
      (bundle) =>
        `${`${bundle.label} ${bundle.version}`.padEnd(30)} entry ${kilobytes(bundle.entry.gzip).padStart(9)} gzip ${kilobytes(bundle.entry.brotli).padStart(9)} brotli; all ${bundle.files} files ${kilobytes(bundle.total.gzip).padStart(9)} gzip ${kilobytes(bundle.total.brotli).padStart(9)} brotli`,
    );
    process.stdout.write(`\nBuilt by the same script and Vite settings:\n${table.join('\n')}\n`);
    for (const reason of comparison.skipped) process.stdout.write(`Comparison skipped: ${reason}\n`);
    const { recordSection } = await import('./results.js');
    recordSection('size', sizeFigures(sizes, comparison), {
      compression: 'gzip level 9, brotli quality 11',
      settings: 'vite.config.ts: ES module, es2022, minified, every dependency bundled, dynamic imports as lazy chunks',
      comparison: comparison.bundles,
      ...(comparison.skipped.length > 0 ? { skipped: comparison.skipped } : {}),
    });
  }
  if (overBudget) process.exit(1);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
