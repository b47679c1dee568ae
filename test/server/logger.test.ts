/**
 * The server's log as an operator reads it: one line per entry, in the order they happened, every
 * value quoted so that none can forge a line, and nothing lost when the process ends.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';

import { createConsoleLogger, LOG_GATHER_LENGTH, LOG_GATHER_MS } from '../../src/server/logger.js';

/** A stream that keeps each write it is given. */
function capture(): { stream: Writable; writes: string[] } {
  const writes: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      writes.push(chunk.toString());
      done();
    },
  });
  return { stream, writes };
}

/** The lines of `text` without their timestamps, which must come first on each. */
function linesOf(text: string | undefined): string[] {
  assert.ok(text !== undefined && text.endsWith('\n'), 'whole lines only');
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => {
      assert.match(line, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /);
      return line.slice(line.indexOf(' ') + 1);
    });
}

describe('the server log', () => {
  it('writes request lines together, in order, with every value quoted, soon after the first', async () => {
    const { stream, writes } = capture();
    const logger = createConsoleLogger(stream);
    logger.info('request', { method: 'GET', path: '/api/config', status: 200, ms: 1, ip: '203.0.113.5' });
    await nextTurn();
    logger.info('request', { method: 'POST', path: '/api/login', status: 401, ms: 12, ip: undefined });
    logger.info('request', { method: 'GET', path: '/x\n2026-01-01T00:00:00.000Z error forged', status: 404, ms: 0 });
    assert.deepEqual(writes, [], 'gathered, not yet written');

    await sleep(LOG_GATHER_MS + 50);
    assert.equal(writes.length, 1, 'one write for all three');
    assert.deepEqual(linesOf(writes[0]), [
      'info request method="GET" path="/api/config" status=200 ms=1 ip="203.0.113.5"',
      'info request method="POST" path="/api/login" status=401 ms=12',
      'info request method="GET" path="/x\\n2026-01-01T00:00:00.000Z error forged" status=404 ms=0',
    ]);
  });

  it('writes at once when the lines gathered reach their limit', () => {
    const { stream, writes } = capture();
    const logger = createConsoleLogger(stream);
    const path = `/${'p'.repeat(999)}`;
    let logged = 0;
    while (writes.length === 0 && logged * path.length < 2 * LOG_GATHER_LENGTH) {
      logger.info('request', { path });
      logged += 1;
    }
    assert.equal(writes.length, 1, 'written without waiting');
    assert.equal(linesOf(writes[0]).length, logged);
    assert.ok(writes[0]!.length >= LOG_GATHER_LENGTH && writes[0]!.length < LOG_GATHER_LENGTH + 2 * path.length);
  });

  it('writes a warning, an error or a flush at once, after the lines gathered before it', async () => {
    const { stream, writes } = capture();
    const logger = createConsoleLogger(stream);
    logger.info('request', { path: '/api/session', status: 200 });
    logger.warn('housekeeping failed', { error: 'disk full' });
    assert.equal(writes.length, 1);
    assert.deepEqual(linesOf(writes[0]), ['info request path="/api/session" status=200', 'warn housekeeping failed error="disk full"']);

    logger.error('unexpected error', { requestId: 'r-1' });
    assert.deepEqual(linesOf(writes[1]), ['error unexpected error requestId="r-1"']);
    await sleep(LOG_GATHER_MS + 50);
    assert.equal(writes.length, 2, 'nothing was left to write later');

    logger.info('request', { path: '/api/logout', status: 204 });
    logger.flush?.();
    assert.deepEqual(linesOf(writes[2]), ['info request path="/api/logout" status=204'], 'flush writes at once');
  });

  it('writes the lines still gathered when the process exits', () => {
    const script = [
      "import { createConsoleLogger } from './src/server/logger.ts';",
      'const logger = createConsoleLogger();',
      "logger.info('request', { path: '/the-last-one', status: 204 });",
      'process.exit(0);',
    ].join('\n');
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', script], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(linesOf(result.stderr), ['info request path="/the-last-one" status=204']);
  });
});
