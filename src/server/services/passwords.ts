/**
 * Password hashing and verification: argon2id with OWASP's parameters (19 MiB, t=2, p=1) for
 * every new hash; imported hashes (bcrypt, pbkdf2, ...) verified in their own algorithm until the
 * next successful login replaces them. Passwords are NFC-normalised first, so the same characters
 * typed on two keyboards match.
 */
import { randomUUID } from 'node:crypto';

import { hash, verify, type Algorithm } from '@node-rs/argon2';

import { normalize } from '../../shared/policy/characters.js';
import type { HashFormat } from '../store/schema.js';
import { verifyImportedHash, type ImportedHash } from './imported-hashes.js';

// `Algorithm` is an ambient const enum, which isolated modules cannot read; 2 is its Argon2id.
const ARGON2ID = 2 as Algorithm;

export const ARGON2_OPTIONS = {
  algorithm: ARGON2ID,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

/** A stored password: our PHC string, or an imported hash as JSON. */
export interface StoredPassword {
  password_hash: string;
  hash_format: HashFormat;
}

export function hashPassword(password: string): Promise<string> {
  return hash(normalize(password), ARGON2_OPTIONS);
}

/** A new argon2id credential for a password. */
export async function hashedCredential(password: string): Promise<StoredPassword> {
  return { password_hash: await hashPassword(password), hash_format: 'argon2id' };
}

export function importedCredential(imported: ImportedHash): StoredPassword {
  return { password_hash: JSON.stringify(imported), hash_format: 'imported' };
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, normalize(password));
  } catch {
    // A malformed stored hash verifies nothing; it must not turn a login into a 500.
    return false;
  }
}

/**
 * Checks a password against a stored one in its own format. Imported hashes were made from the
 * password as typed, so they are tried as typed and then in NFC, in case the old system
 * normalised.
 */
export async function verifyStoredPassword(stored: StoredPassword, password: string): Promise<boolean> {
  if (stored.hash_format === 'argon2id') return verifyPassword(stored.password_hash, password);
  let imported: ImportedHash;
  try {
    imported = JSON.parse(stored.password_hash) as ImportedHash;
  } catch {
    return false;
  }
  if (await verifyImportedHash(imported, password)) return true;
  const normalized = normalize(password);
  return normalized !== password && verifyImportedHash(imported, normalized);
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

/** True when a stored password should be replaced by today's argon2id at the next login. */
export function needsRehash(stored: StoredPassword): boolean {
  const { memoryCost, timeCost, parallelism } = ARGON2_OPTIONS;
  return (
    stored.hash_format !== 'argon2id' ||
    !stored.password_hash.startsWith(`$argon2id$v=19$m=${memoryCost},t=${timeCost},p=${parallelism}$`)
  );
}
