/**
 * Runs the Node test files (`*.test.ts` under the given folders, by default test/shared and
 * test/server) with Node's own test runner, TypeScript loaded through tsx. Node 20's runner cannot
 * glob .ts files itself, hence this list.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function testFiles(folder: string): string[] {
  if (statSync(folder).isFile()) return [folder];
  return readdirSync(folder, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) return testFiles(path);
      return entry.name.endsWith('.test.ts') ? [path] : [];
    })
    .sort();
}

const folders = process.argv.length > 2 ? process.argv.slice(2) : ['test/shared', 'test/server'];
const files = folders.flatMap(testFiles);
if (files.length === 0) {
  process.stderr.write(`No test files under ${folders.join(', ')}\n`);
  process.exit(1);
}
const { status } = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(status ?? 1);
