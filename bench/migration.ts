/**
 * Lazy migration's cost. A user's first login goes to the legacy store and, when it accepts the
 * password, creates the user here with an argon2id hash; every later login is local. The figure
 * is the extra latency of that first login over a local one, against the legacy store's own
 * latency measured in the same run: a ratio near 1 means migrating adds nothing but the trip to
 * the store. The store verifies bcrypt hashes (cost 10), as a real one would.
 */
import bcrypt from 'bcryptjs';

import { startLegacyStore, type LegacyUser } from '../test/server/legacy-store-server.js';
import { startBenchServer } from './bench-server.js';
import { quantile, recordSection } from './results.js';

const USERS = Number(process.env.BENCH_MIGRATION_USERS ?? 100);
const PASSWORD = 'Legacy-Password-2019!';
const BCRYPT_COST = 10;

async function timed(action: () => Promise<Response>, expectedStatus: number): Promise<number> {
  const started = performance.now();
  const response = await action();
  await response.arrayBuffer();
  const elapsed = performance.now() - started;
  if (response.status !== expectedStatus) throw new Error(`expected ${expectedStatus}, got ${response.status}`);
  return elapsed;
}

async function main(): Promise<void> {
  const hash = await bcrypt.hash(PASSWORD, BCRYPT_COST);
  const users: LegacyUser[] = Array.from({ length: USERS }, (_, index) => ({
    user_id: 10_000 + index,
    email: `legacy-${index}@example.com`,
    password: hash,
    name: `Legacy User ${index}`,
    email_verified: true,
  }));
  const store = await startLegacyStore(users, (stored, password) => bcrypt.compare(password, stored));
  const { server, cleanup } = await startBenchServer({
    config: { legacyStore: { url: store.url, mode: 'migrate', secret: store.secret } },
  });
  const json = { 'content-type': 'application/json' };
  const login = (index: number) => () =>
    fetch(new URL('/api/login', server.url), {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ identifier: `legacy-${index}@example.com`, password: PASSWORD }),
    });

  try {
    // One after another: latency, not throughput, is the question.
    const storeMs: number[] = [];
    for (let index = 0; index < USERS; index++) {
      storeMs.push(
        await timed(
          () =>
            fetch(new URL('/login', store.url), {
              method: 'POST',
              headers: { ...json, authorization: `Bearer ${store.secret}` },
              body: JSON.stringify({ identifier: `legacy-${index}@example.com`, password: PASSWORD }),
            }),
          200,
        ),
      );
    }
    const firstMs: number[] = [];
    for (let index = 0; index < USERS; index++) firstMs.push(await timed(login(index), 200));
    const localMs: number[] = [];
    for (let index = 0; index < USERS; index++) localMs.push(await timed(login(index), 200));

    const store50 = quantile(storeMs, 0.5);
    const first50 = quantile(firstMs, 0.5);
    const local50 = quantile(localMs, 0.5);
    const extra = first50 - local50;
    recordSection(
      'migration',
      [
        { name: 'legacy store login (bcrypt cost 10), p50', value: store50, unit: 'ms' },
        { name: 'first login, migrating the user, p50', value: first50, unit: `ms (p99 ${quantile(firstMs, 0.99).toFixed(1)} ms)` },
        { name: 'later, local login, p50', value: local50, unit: `ms (p99 ${quantile(localMs, 0.99).toFixed(1)} ms)` },
        {
          name: 'extra latency of the migrating login',
          value: extra,
          unit: 'ms',
          baseline: { name: 'the legacy store alone', value: store50, unit: 'ms' },
          ratio: extra / store50,
          ratioMeaning: 'extra latency per unit of store latency; 1 means the trip to the store is all it adds',
        },
      ],
      { users: USERS, bcryptCost: BCRYPT_COST },
    );
  } finally {
    await cleanup();
    await store.close();
  }
}

await main();
