/**
 * The users the import benchmark moves: one deterministic generator, so that the import (through
 * a file in Auth0's format) and the baseline (straight into SQLite) handle exactly the same rows,
 * and the files and bcrypt hashes it needs, made once and kept in bench/.cache/ (gitignored).
 */
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import bcryptjs from 'bcryptjs';

/** bench/.cache/, or where the runner says it is (its measurement children run from a build elsewhere). */
export const CACHE_DIRECTORY = process.env.BENCH_CACHE_DIRECTORY ?? fileURLToPath(new URL('./.cache/', import.meta.url));

/**
 * A million bcrypt hashes at cost 10 would take a day to make; a pool of distinct ones, cycled
 * over the rows, stores and parses exactly like real ones (same length, same validation).
 */
export const HASH_POOL_SIZE = 1000;
const BCRYPT_COST = 10;
/** Bump when the row shape changes, so that stale cached files are not reused. */
const FILE_FORMAT_VERSION = 1;

/** The password behind pool hash `index`, should anyone want to log in as a benchmark user. */
export function poolPassword(index: number): string {
  return `bench-password-${index}`;
}

/** The cached pool of bcrypt hashes, made on first use (a minute or two of bcryptjs). */
export function loadHashPool(): string[] {
  const path = join(CACHE_DIRECTORY, `bcrypt-pool-${HASH_POOL_SIZE}-cost${BCRYPT_COST}.json`);
  if (existsSync(path)) {
    const cached: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (Array.isArray(cached) && cached.length === HASH_POOL_SIZE && cached.every((hash) => typeof hash === 'string')) {
      return cached;
    }
  }
  mkdirSync(CACHE_DIRECTORY, { recursive: true });
  const pool: string[] = [];
  for (let index = 0; index < HASH_POOL_SIZE; index++) {
    pool.push(bcryptjs.hashSync(poolPassword(index), BCRYPT_COST));
    if ((index + 1) % 100 === 0) process.stderr.write(`bcrypt pool: ${index + 1}/${HASH_POOL_SIZE} hashes\n`);
  }
  writeFileSync(`${path}.tmp`, JSON.stringify(pool));
  renameSync(`${path}.tmp`, path);
  return pool;
}

/** One row of the user file, in Auth0's import format. */
export interface BenchUser {
  email: string;
  email_verified: boolean;
  user_id: string;
  username?: string;
  given_name: string;
  family_name: string;
  name: string;
  app_metadata: { plan: string; seats: number };
  user_metadata: { theme: string; locale: string };
  password_hash: string;
}

const GIVEN_NAMES = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Radia', 'Tim'];
const FAMILY_NAMES = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Thompson', 'Perlman', 'Berners-Lee'];
const PLANS = ['free', 'pro', 'team'];
const THEMES = ['light', 'dark'];

/**
 * User `index`: unique email and user_id, a username on every other row (so the username index and
 * its checks are exercised without every row paying for them), small metadata, a pooled hash.
 */
export function benchUser(index: number, pool: readonly string[]): BenchUser {
  const given = GIVEN_NAMES[index % GIVEN_NAMES.length] ?? 'Ada';
  const family = FAMILY_NAMES[Math.floor(index / GIVEN_NAMES.length) % FAMILY_NAMES.length] ?? 'Lovelace';
  const serial = String(index).padStart(7, '0');
  return {
    email: `${given.toLowerCase()}.${serial}@bench.example`,
    email_verified: index % 3 !== 0,
    user_id: `bench${serial}`,
    ...(index % 2 === 0 ? { username: `${given.toLowerCase()}_${serial}` } : {}),
    given_name: given,
    family_name: family,
    name: `${given} ${family}`,
    app_metadata: { plan: PLANS[index % PLANS.length] ?? 'free', seats: index % 7 },
    user_metadata: { theme: THEMES[index % THEMES.length] ?? 'light', locale: 'en' },
    password_hash: pool[index % pool.length] ?? '',
  };
}

/**
 * The cached user file of `count` rows: a JSON array, one row per line, as Auth0's export tools
 * write it. Streamed out (a million rows never sit in memory) and renamed into place when whole,
 * so an interrupted run never leaves a truncated file behind to be reused.
 */
export async function ensureUsersFile(count: number, pool: readonly string[]): Promise<string> {
  const path = join(CACHE_DIRECTORY, `users-${count}-v${FILE_FORMAT_VERSION}.json`);
  if (existsSync(path)) return path;
  mkdirSync(CACHE_DIRECTORY, { recursive: true });
  const partial = `${path}.tmp`;
  const file = createWriteStream(partial);
  const write = async (text: string): Promise<void> => {
    if (!file.write(text)) await once(file, 'drain');
  };
  await write('[\n');
  for (let index = 0; index < count; index++) {
    await write(`${index === 0 ? '' : ',\n'}${JSON.stringify(benchUser(index, pool))}`);
    if ((index + 1) % 200_000 === 0) process.stderr.write(`user file: ${index + 1}/${count} rows\n`);
  }
  await write('\n]\n');
  file.end();
  await once(file, 'finish');
  renameSync(partial, path);
  return path;
}
