/**
 * `npm run bench [name…]`: runs the benchmarks one after another, each in a process of its own
 * (so that one's heap and JIT state never colour the next one's figures), and leaves every figure
 * in bench/results.json. Benchmarks print and record; they never fail on time.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BENCHMARKS = {
  /** Gzip and brotli sizes of the bundle and its lazy chunks, and the size comparison. */
  size: 'size.ts',
  /** Script load to first rendered form, against a bare Lit element, in Chromium. */
  render: 'render.ts',
  /** The rule check per keystroke, the zxcvbn-ts estimate, and typing latency in Chromium. */
  policy: 'policy.ts',
  /** Login, sign-up, config and session throughput against the argon2id bound and bare Hono. */
  server: 'server.ts',
  /** Import and export of 10,000 to 1,000,000 users against plain SQLite inserts. */
  import: 'import.ts',
  /** A first (migrating) login against a local one and the legacy store's own latency. */
  migration: 'migration.ts',
} as const;

type BenchmarkName = keyof typeof BENCHMARKS;

function isBenchmarkName(name: string): name is BenchmarkName {
  return Object.hasOwn(BENCHMARKS, name);
}

function main(): void {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((name) => !isBenchmarkName(name));
  if (unknown.length > 0) {
    process.stderr.write(`Unknown benchmark: ${unknown.join(', ')}. Known: ${Object.keys(BENCHMARKS).join(', ')}.\n`);
    process.exit(2);
  }
  const names = asked.length > 0 ? asked.filter(isBenchmarkName) : (Object.keys(BENCHMARKS) as BenchmarkName[]);
  const failed: string[] = [];
  for (const name of names) {
    const script = fileURLToPath(new URL(BENCHMARKS[name], import.meta.url));
    process.stdout.write(`\n# ${name}\n`);
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', script], { stdio: 'inherit', env: { ...process.env, BENCH: '1' } });
    if (result.status !== 0) failed.push(name);
  }
  process.stdout.write(`\nFigures are in bench/results.json.\n`);
  if (failed.length > 0) {
    // A benchmark that could not run (as opposed to a slow one) is an error.
    process.stderr.write(`These benchmarks did not finish: ${failed.join(', ')}.\n`);
    process.exit(1);
  }
}

main();
