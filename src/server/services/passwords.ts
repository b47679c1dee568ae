/**
 * Password hashing: argon2id with OWASP's parameters (19 MiB, t=2, p=1) for every new hash.
 * Passwords are NFC-normalised first, so the same characters typed on two keyboards match.
 */
import { randomUUID } from 'node:crypto';

import { hash, verify, type Algorithm } from '@node-rs/argon2';

import { normalize } from '../../shared/policy/characters.js';

// `Algorithm` is an ambient const enum, which isolated modules cannot read; 2 is its Argon2id.
const ARGON2ID = 2 as Algorithm;

export const ARGON2_OPTIONS = {
  algorithm: ARGON2ID,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

export function hashPassword(password: string): Promise<string> {
  return hash(normalize(password), ARGON2_OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, normalize(password));
  } catch {
    // A malformed stored hash verifies nothing; it must not turn a login into a 500.
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the same time as a real verification for a user who does not exist (or has no password),
 * so that response times do not tell an attacker which accounts exist.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword(randomUUID());
  await verifyPassword(await dummyHash, password);
  return false;
}

/** True when a stored hash was made with other parameters than today's (time to upgrade it). */
export function needsRehash(passwordHash: string): boolean {
  const { memoryCost, timeCost, parallelism } = ARGON2_OPTIONS;
  return !passwordHash.startsWith(`$argon2id$v=19$m=${memoryCost},t=${timeCost},p=${parallelism}$`);
}
