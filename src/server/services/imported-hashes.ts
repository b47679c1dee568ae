/**
 * Password hashes imported in Auth0's user-import format ("Bulk User Import Database Schema and
 * Examples"), verified as they are at login; the caller then re-hashes the password with argon2id.
 * `password_hash` is a bcrypt string; `custom_password_hash` names one of eleven algorithms with its
 * encodings, salt and parameters.
 *
 * The schemas accept exactly what `verifyImportedHash` can check within its cost limits, so an import
 * reports a hash that could never verify here instead of storing it.
 */
import { createHash, createHmac, pbkdf2, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';

import { hashRaw, verify as verifyArgon2, type Algorithm as Argon2Variant, type Version as Argon2Version } from '@node-rs/argon2';
import bcrypt from 'bcryptjs';
import { bcryptVerify, createHMAC, createMD4, createWhirlpool, type IHasher } from 'hash-wasm';
import { z } from 'zod';

// Cost limits. An import file comes from outside and every login runs the hash it carries, so these
// bound what one login attempt can cost. They sit well above what password systems use (Auth0's
// defaults in brackets); a hash above them is refused at import and never verifies.

/** bcrypt's cost is log2 of its rounds [10]; bcryptjs takes about 3 s at 15. */
const MAX_BCRYPT_COST = 15;
/** PBKDF2 repeats its iterations for every block of output, so this counts both: iterations × blocks. */
const MAX_PBKDF2_ITERATIONS = 10_000_000;
/** md4 and whirlpool run in WebAssembly on the event loop, about ten times slower than OpenSSL. */
const MAX_PBKDF2_ITERATIONS_IN_WASM = 1_000_000;
/** scrypt's N [16,384]. */
const MAX_SCRYPT_COST = 2 ** 20;
/** What OpenSSL allocates for scrypt: 128 × r × (N + p) bytes. */
const MAX_SCRYPT_MEMORY_BYTES = 256 * 1024 * 1024;
/** scrypt's time: each of its p lanes fills and reads 128 × N × r bytes. */
const MAX_SCRYPT_WORK_BYTES = 1024 * 1024 * 1024;
/** argon2's m, in KiB (256 MiB). */
const MAX_ARGON2_MEMORY_KIB = 256 * 1024;
/** argon2's time: m × t, in KiB passed over (1 GiB). */
const MAX_ARGON2_WORK_KIB = 1024 * 1024;
/** The most lanes @node-rs/argon2 takes. */
const MAX_ARGON2_LANES = 255;

const ALGORITHMS = ['argon2', 'bcrypt', 'hmac', 'ldap', 'md4', 'md5', 'sha1', 'sha256', 'sha512', 'pbkdf2', 'scrypt'] as const;
const VALUE_ENCODINGS = ['base64', 'hex', 'utf8'] as const;
const HMAC_DIGESTS = ['md4', 'md5', 'ripemd160', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512', 'whirlpool'] as const;
const PASSWORD_ENCODINGS = ['ascii', 'utf8', 'utf16le', 'ucs2', 'latin1', 'binary'] as const;
const SALT_POSITIONS = ['prefix', 'suffix'] as const;

type Algorithm = (typeof ALGORITHMS)[number];
type ValueEncoding = (typeof VALUE_ENCODINGS)[number];
type Digest = (typeof HMAC_DIGESTS)[number];
type PasswordEncoding = (typeof PASSWORD_ENCODINGS)[number];
type SaltPosition = (typeof SALT_POSITIONS)[number];

const DIGEST_BYTES: Record<Digest, number> = {
  md4: 16,
  md5: 16,
  ripemd160: 20,
  sha1: 20,
  sha224: 28,
  sha256: 32,
  sha384: 48,
  sha512: 64,
  whirlpool: 64,
};

// Node's OpenSSL 3 keeps MD4 and Whirlpool in its legacy provider, which Node does not load.
const WASM_DIGESTS: Partial<Record<Digest, () => Promise<IHasher>>> = { md4: createMD4, whirlpool: createWhirlpool };

/** The digest names Auth0 lists for pbkdf2 (OpenSSL's, aliases included) and the digest each names. */
const PBKDF2_DIGESTS: ReadonlyMap<string, Digest> = new Map([
  ['RSA-MD4', 'md4'],
  ['RSA-MD5', 'md5'],
  ['RSA-RIPEMD160', 'ripemd160'],
  ['RSA-SHA1', 'sha1'],
  ['RSA-SHA1-2', 'sha1'],
  ['RSA-SHA224', 'sha224'],
  ['RSA-SHA256', 'sha256'],
  ['RSA-SHA384', 'sha384'],
  ['RSA-SHA512', 'sha512'],
  ['md4', 'md4'],
  ['md4WithRSAEncryption', 'md4'],
  ['md5', 'md5'],
  ['md5WithRSAEncryption', 'md5'],
  ['ripemd', 'ripemd160'],
  ['ripemd160', 'ripemd160'],
  ['ripemd160WithRSA', 'ripemd160'],
  ['rmd160', 'ripemd160'],
  ['sha1', 'sha1'],
  ['sha1WithRSAEncryption', 'sha1'],
  ['sha224', 'sha224'],
  ['sha224WithRSAEncryption', 'sha224'],
  ['sha256', 'sha256'],
  ['sha256WithRSAEncryption', 'sha256'],
  ['sha384', 'sha384'],
  ['sha384WithRSAEncryption', 'sha384'],
  ['sha512', 'sha512'],
  ['sha512WithRSAEncryption', 'sha512'],
  ['ssl3-md5', 'md5'],
  ['ssl3-sha1', 'sha1'],
  ['whirlpool', 'whirlpool'],
]);
// Auth0 lists MDC-2 as well, but neither Node's OpenSSL 3 nor hash-wasm implements it.
const PBKDF2_MDC2 = new Set(['RSA-MDC2', 'mdc2', 'mdc2WithRSA']);
const PBKDF2_DEFAULT_ITERATIONS = 100_000;
const PBKDF2_DEFAULT_KEY_BYTES = 64;

/** RFC 2307 schemes, as OpenLDAP names them: "md5|smd5|sha*|ssha*" in Auth0's words. */
const LDAP_SCHEMES: ReadonlyMap<string, { digest: Digest; salted: boolean }> = new Map([
  ['MD5', { digest: 'md5', salted: false }],
  ['SMD5', { digest: 'md5', salted: true }],
  ['SHA', { digest: 'sha1', salted: false }],
  ['SSHA', { digest: 'sha1', salted: true }],
  ['SHA224', { digest: 'sha224', salted: false }],
  ['SSHA224', { digest: 'sha224', salted: true }],
  ['SHA256', { digest: 'sha256', salted: false }],
  ['SSHA256', { digest: 'sha256', salted: true }],
  ['SHA384', { digest: 'sha384', salted: false }],
  ['SSHA384', { digest: 'sha384', salted: true }],
  ['SHA512', { digest: 'sha512', salted: false }],
  ['SSHA512', { digest: 'sha512', salted: true }],
]);

const SCRYPT_DEFAULTS = { cost: 16_384, blockSize: 8, parallelization: 1 } as const;

// `Algorithm` and `Version` are ambient const enums, which isolated modules cannot read: their values.
const ARGON2_VARIANTS: ReadonlyMap<string, Argon2Variant> = new Map([
  ['argon2d', 0],
  ['argon2i', 1],
  ['argon2id', 2],
]);
const ARGON2_VERSION_0X10 = 0 as Argon2Version;
const ARGON2_VERSION_0X13 = 1 as Argon2Version;

/** bcrypt reads no more of its input than this. */
const BCRYPT_MAX_BYTES = 72;
const BCRYPT_HASH = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/;
const ARGON2_PHC =
  /^\$(?<variant>argon2(?:id|i|d))(?:\$v=(?<version>16|19))?\$m=(?<m>\d{1,10}),t=(?<t>\d{1,10}),p=(?<p>\d{1,3})\$(?<salt>[A-Za-z0-9+/]+)\$(?<hash>[A-Za-z0-9+/]+)$/;
const LDAP_VALUE = /^\{([A-Za-z0-9]+)\}(.*)$/;
const PBKDF2_ID = /^\$pbkdf2-([A-Za-z0-9-]+)\$/;
const HEX = /^(?:[0-9a-fA-F]{2})*$/;
// Auth0 accepts both alphabets ("url-encoded base64"); padding is optional.
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;
// PHC's B64: the standard alphabet without padding.
const PHC_B64 = /^[A-Za-z0-9+/]*$/;

/** An object that reports each unknown field as its own issue, so error reports name the field. */
function closedObject<Shape extends z.ZodRawShape>(shape: Shape) {
  const fields = Object.keys(shape).join(', ');
  return z.object(shape).catchall(
    z.unknown().superRefine((_value, context) => {
      // The code Auth0's import reports for a field its schema does not know.
      context.addIssue({
        code: 'custom',
        message: `Unknown field (expected one of: ${fields})`,
        params: { importCode: 'OBJECT_ADDITIONAL_PROPERTIES' },
      });
    }),
  );
}

const formatShape = closedObject({
  algorithm: z.enum(ALGORITHMS),
  hash: closedObject({
    value: z.string().min(1),
    encoding: z.enum(VALUE_ENCODINGS).optional(),
    digest: z.enum(HMAC_DIGESTS).optional(),
    key: closedObject({ value: z.string(), encoding: z.enum(VALUE_ENCODINGS).optional() }).optional(),
  }),
  salt: closedObject({
    value: z.string(),
    encoding: z.enum(VALUE_ENCODINGS).optional(),
    position: z.enum(SALT_POSITIONS).optional(),
  }).optional(),
  password: closedObject({ encoding: z.enum(PASSWORD_ENCODINGS).optional() }).optional(),
  keylen: z.int().positive().optional(),
  cost: z.int().optional(),
  blockSize: z.int().positive().optional(),
  parallelization: z.int().positive().optional(),
});

type Format = z.infer<typeof formatShape>;
type Path = (string | number)[];
type Report = (path: Path, message: string) => void;
/** Checks a password, already in the bytes the format names, against the stored hash. */
type Check = (password: Buffer) => Promise<boolean>;
type Prepared = { check: Check } | { problems: { path: Path; message: string }[] };

export const customPasswordHashSchema = formatShape.check((payload) => {
  // A field out of range already has its issue; the rules per algorithm would only repeat it.
  if (payload.issues.length > 0) return;
  const prepared = prepare(payload.value);
  if ('problems' in prepared) {
    for (const { path, message } of prepared.problems) payload.issues.push({ code: 'custom', path, message, input: payload.value });
  }
});

export const bcryptHashSchema = z.string().superRefine((value, context) => {
  const problem = bcryptProblem(value);
  if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
});

export type CustomPasswordHash = z.infer<typeof customPasswordHashSchema>;

export type ImportedHash = { kind: 'bcrypt'; value: string } | { kind: 'custom'; format: CustomPasswordHash };

/**
 * True only when the password matches. Never throws: a malformed stored hash, a parameter beyond the
 * limits above or a library's error all verify nothing.
 */
export async function verifyImportedHash(hash: ImportedHash, password: string): Promise<boolean> {
  try {
    if (typeof password !== 'string') return false;
    if (hash.kind === 'bcrypt') {
      return bcryptProblem(hash.value) === undefined && (await bcrypt.compare(password, hash.value));
    }
    if (hash.kind !== 'custom') return false;
    // Stored JSON is checked again: it may predate a limit, or have been edited by hand.
    const parsed = formatShape.safeParse(hash.format);
    if (!parsed.success) return false;
    const prepared = prepare(parsed.data);
    const bytes = passwordBytes(password, parsed.data.password?.encoding ?? 'utf8');
    if (!('check' in prepared) || bytes === undefined) return false;
    return await prepared.check(bytes);
  } catch {
    return false;
  }
}

/** A short label ("bcrypt", "pbkdf2-sha512", "ldap-ssha") for logs and statistics; never a hash value. */
export function describeImportedHash(hash: ImportedHash): string {
  try {
    if (hash.kind === 'bcrypt') return 'bcrypt';
    const { algorithm, hash: { value, digest }, salt } = hash.format;
    if (!(ALGORITHMS as readonly string[]).includes(algorithm)) return 'unknown';
    switch (algorithm) {
      case 'argon2':
        return /^\$(argon2(?:id|i|d))\$/.exec(value)?.[1] ?? 'argon2';
      case 'hmac':
        return digest !== undefined && HMAC_DIGESTS.includes(digest) ? `hmac-${digest}` : 'hmac';
      case 'ldap': {
        const scheme = LDAP_VALUE.exec(value)?.[1]?.toUpperCase();
        return scheme !== undefined && LDAP_SCHEMES.has(scheme) ? `ldap-${scheme.toLowerCase()}` : 'ldap';
      }
      case 'pbkdf2': {
        const named = PBKDF2_DIGESTS.get(PBKDF2_ID.exec(value)?.[1] ?? '');
        return named === undefined ? 'pbkdf2' : `pbkdf2-${named}`;
      }
      case 'scrypt':
        return 'scrypt';
      default:
        return salt === undefined ? algorithm : `${algorithm}-salted`;
    }
  } catch {
    return 'unknown';
  }
}

/** Checks the rules Auth0 sets per algorithm and decodes what verification needs, once. */
function prepare(format: Format): Prepared {
  const problems: { path: Path; message: string }[] = [];
  const report: Report = (path, message) => {
    problems.push({ path, message });
  };
  const { algorithm, hash, salt } = format;
  if (algorithm !== 'hmac') {
    if (hash.digest !== undefined) report(['hash', 'digest'], 'is only used by hmac');
    if (hash.key !== undefined) report(['hash', 'key'], 'is only used by hmac');
  }
  if (salt !== undefined && (algorithm === 'argon2' || algorithm === 'ldap' || algorithm === 'pbkdf2')) {
    report(['salt'], `is not allowed for ${algorithm}: its hash value carries its own salt`);
  }
  if (algorithm !== 'scrypt') {
    for (const field of ['keylen', 'cost', 'blockSize', 'parallelization'] as const) {
      if (format[field] !== undefined) report([field], 'is only used by scrypt');
    }
  }
  const check = problems.length === 0 ? PREPARERS[algorithm](format, report) : undefined;
  return problems.length === 0 && check !== undefined ? { check } : { problems };
}

const PREPARERS: Record<Algorithm, (format: Format, report: Report) => Check | undefined> = {
  argon2: prepareArgon2,
  bcrypt: prepareBcrypt,
  hmac: prepareHmac,
  ldap: prepareLdap,
  md4: (format, report) => prepareDigest('md4', format, report),
  md5: (format, report) => prepareDigest('md5', format, report),
  sha1: (format, report) => prepareDigest('sha1', format, report),
  sha256: (format, report) => prepareDigest('sha256', format, report),
  sha512: (format, report) => prepareDigest('sha512', format, report),
  pbkdf2: preparePbkdf2,
  scrypt: prepareScrypt,
};

function prepareDigest(digest: Digest, format: Format, report: Report): Check | undefined {
  const expected = binaryHash(format, report);
  const salt = saltOf(format, report);
  if (expected === undefined || salt === undefined) return undefined;
  if (!hasDigestSize(expected, digest, report)) return undefined;
  return async (password) => sameBytes(await digestOf(digest, salted(password, salt)), expected);
}

function prepareHmac(format: Format, report: Report): Check | undefined {
  const { digest, key } = format.hash;
  if (digest === undefined) report(['hash', 'digest'], 'is required for hmac');
  if (key === undefined) report(['hash', 'key'], 'is required for hmac');
  const keyBytes = key && decodeField(key.value, key.encoding ?? 'utf8', ['hash', 'key', 'value'], report);
  const expected = binaryHash(format, report);
  const salt = saltOf(format, report);
  if (digest === undefined || keyBytes === undefined || expected === undefined || salt === undefined) return undefined;
  if (!hasDigestSize(expected, digest, report)) return undefined;
  return async (password) => sameBytes(await hmacOf(digest, keyBytes, salted(password, salt)), expected);
}

function prepareBcrypt(format: Format, report: Report): Check | undefined {
  const value = textHash(format, report);
  const salt = saltOf(format, report);
  if (value === undefined || salt === undefined) return undefined;
  const problem = bcryptProblem(value);
  if (problem !== undefined) report(['hash', 'value'], problem);
  const encoding = format.password?.encoding;
  if (encoding === 'utf16le' || encoding === 'ucs2') {
    report(['password', 'encoding'], 'cannot be used with bcrypt: C implementations stop at the first zero byte, which UTF-16 puts in almost every password');
  }
  return async (password) => {
    const input = salted(password, salt);
    const text = utf8String(input);
    if (text !== undefined) return bcrypt.compare(text, value);
    // bcryptjs hashes the UTF-8 of a string, so other bytes (a latin1 password, a binary salt) go to
    // hash-wasm, which takes bytes but refuses more than bcrypt reads.
    return bcryptVerify({ password: input.subarray(0, BCRYPT_MAX_BYTES), hash: value });
  };
}

function prepareArgon2(format: Format, report: Report): Check | undefined {
  const value = textHash(format, report);
  if (value === undefined) return undefined;
  const parts = ARGON2_PHC.exec(value)?.groups;
  const variant = ARGON2_VARIANTS.get(parts?.variant ?? '');
  if (parts === undefined || variant === undefined) {
    report(['hash', 'value'], 'must be an argon2 PHC string: $argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>');
    return undefined;
  }
  const memory = Number(parts.m);
  const passes = Number(parts.t);
  const lanes = Number(parts.p);
  const saltBytes = phcBytes(parts.salt ?? '');
  const hashBytes = phcBytes(parts.hash ?? '');
  if (saltBytes === undefined || saltBytes.length < 8 || hashBytes === undefined || hashBytes.length < 4) {
    report(['hash', 'value'], 'must carry a salt of at least 8 bytes and a hash of at least 4, in unpadded base64');
  } else if (memory < 8 * lanes || passes < 1 || lanes < 1 || lanes > MAX_ARGON2_LANES) {
    report(['hash', 'value'], `must have t ≥ 1, p from 1 to ${MAX_ARGON2_LANES} and m ≥ 8 × p`);
  } else if (memory > MAX_ARGON2_MEMORY_KIB || memory * passes > MAX_ARGON2_WORK_KIB) {
    report(['hash', 'value'], `costs more than this server verifies (m ≤ ${MAX_ARGON2_MEMORY_KIB} and m × t ≤ ${MAX_ARGON2_WORK_KIB})`);
  } else {
    const options = {
      salt: saltBytes,
      memoryCost: memory,
      timeCost: passes,
      parallelism: lanes,
      outputLen: hashBytes.length,
      algorithm: variant,
      // A PHC string without `v=` is of the first version, 0x10.
      version: parts.version === '19' ? ARGON2_VERSION_0X13 : ARGON2_VERSION_0X10,
    };
    return async (password) => {
      if (utf8String(password) !== undefined) return verifyArgon2(value, password);
      // verify reads the password as UTF-8 text; other bytes (latin1, UTF-16) are hashed with the
      // stored parameters and compared here.
      return sameBytes(await hashRaw(password, options), hashBytes);
    };
  }
  return undefined;
}

function prepareLdap(format: Format, report: Report): Check | undefined {
  const value = textHash(format, report);
  if (value === undefined) return undefined;
  const match = LDAP_VALUE.exec(value);
  const scheme = LDAP_SCHEMES.get(match?.[1]?.toUpperCase() ?? '');
  if (scheme === undefined) {
    report(['hash', 'value'], 'must be {MD5}, {SMD5}, {SHA}, {SSHA} or {SHA224…512}, {SSHA224…512} followed by base64 (RFC 2307)');
    return undefined;
  }
  const bytes = decode(match?.[2] ?? '', 'base64');
  const size = DIGEST_BYTES[scheme.digest];
  if (bytes === undefined || (scheme.salted ? bytes.length <= size : bytes.length !== size)) {
    report(['hash', 'value'], `must be base64 of a ${size}-byte ${scheme.digest} digest${scheme.salted ? ' followed by its salt' : ''}`);
    return undefined;
  }
  const expected = bytes.subarray(0, size);
  const salt = bytes.subarray(size);
  return async (password) => sameBytes(await digestOf(scheme.digest, Buffer.concat([password, salt])), expected);
}

function preparePbkdf2(format: Format, report: Report): Check | undefined {
  const value = textHash(format, report);
  if (value === undefined) return undefined;
  const parsed = parsePbkdf2(value);
  if (typeof parsed === 'string') {
    report(['hash', 'value'], parsed);
    return undefined;
  }
  const { digest, iterations, salt, expected } = parsed;
  const work = iterations * Math.ceil(expected.length / DIGEST_BYTES[digest]);
  const limit = WASM_DIGESTS[digest] === undefined ? MAX_PBKDF2_ITERATIONS : MAX_PBKDF2_ITERATIONS_IN_WASM;
  if (work > limit) {
    report(['hash', 'value'], `costs more than this server verifies (iterations × blocks of output ≤ ${limit} for ${digest})`);
    return undefined;
  }
  return async (password) => sameBytes(await pbkdf2Of(digest, password, salt, iterations, expected.length), expected);
}

/** `$pbkdf2-<digest>[$i=<iterations>,l=<key length>]$<salt>$<hash>`, or what is wrong with it. */
function parsePbkdf2(value: string): { digest: Digest; iterations: number; salt: Buffer; expected: Buffer } | string {
  const usage = 'must be a PHC string: $pbkdf2-<digest>$i=<iterations>,l=<key length>$<salt>$<hash>';
  const [empty, id, ...rest] = value.split('$');
  if (empty !== '' || id === undefined || !id.startsWith('pbkdf2-') || (rest.length !== 2 && rest.length !== 3)) return usage;
  const name = id.slice('pbkdf2-'.length);
  const digest = PBKDF2_DIGESTS.get(name);
  if (digest === undefined) {
    return PBKDF2_MDC2.has(name) ? 'uses MDC-2, which this server cannot compute' : 'names a digest Auth0 does not list for pbkdf2';
  }
  const parameters = new Map<string, number>();
  for (const parameter of rest.length === 3 ? (rest[0] ?? '').split(',') : []) {
    const [, key = '', number] = /^([il])=([1-9]\d{0,9})$/.exec(parameter) ?? [];
    if (number === undefined || parameters.has(key)) return 'takes two parameters, i and l, as positive integers';
    parameters.set(key, Number(number));
  }
  const salt = phcBytes(rest.at(-2) ?? '');
  const expected = phcBytes(rest.at(-1) ?? '');
  if (salt === undefined || salt.length === 0 || expected === undefined) return 'must carry its salt and hash in unpadded base64';
  if (expected.length !== (parameters.get('l') ?? PBKDF2_DEFAULT_KEY_BYTES)) return 'has a hash whose length is not l (64 when absent)';
  return { digest, iterations: parameters.get('i') ?? PBKDF2_DEFAULT_ITERATIONS, salt, expected };
}

function prepareScrypt(format: Format, report: Report): Check | undefined {
  const { keylen, cost = SCRYPT_DEFAULTS.cost, blockSize = SCRYPT_DEFAULTS.blockSize } = format;
  const parallelization = format.parallelization ?? SCRYPT_DEFAULTS.parallelization;
  if (keylen === undefined) report(['keylen'], 'is required for scrypt');
  if (cost < 2 || 2 ** Math.round(Math.log2(cost)) !== cost) {
    report(['cost'], 'must be a power of two greater than one');
  } else if (cost > MAX_SCRYPT_COST) {
    report(['cost'], `is more than this server verifies (${MAX_SCRYPT_COST})`);
  } else if (128 * blockSize * (cost + parallelization) > MAX_SCRYPT_MEMORY_BYTES) {
    report(['blockSize'], `needs more memory than this server allows (128 × blockSize × (cost + parallelization) ≤ ${MAX_SCRYPT_MEMORY_BYTES})`);
  } else if (128 * cost * blockSize * parallelization > MAX_SCRYPT_WORK_BYTES) {
    report(['parallelization'], `costs more than this server verifies (128 × cost × blockSize × parallelization ≤ ${MAX_SCRYPT_WORK_BYTES})`);
  }
  const expected = binaryHash(format, report);
  // scrypt takes its salt as an input of its own, so salt.position has nothing to place.
  const salt = saltOf(format, report);
  if (keylen === undefined || expected === undefined || salt === undefined) return undefined;
  if (expected.length !== keylen) {
    report(['hash', 'value'], `must be keylen (${keylen}) bytes`);
    return undefined;
  }
  const options: ScryptOptions = {
    N: cost,
    r: blockSize,
    p: parallelization,
    maxmem: 128 * blockSize * (cost + parallelization) + 1024 * 1024,
  };
  return async (password) => sameBytes(await scryptOf(password, salt.bytes, keylen, options), expected);
}

/** The hash value of argon2, bcrypt, ldap and pbkdf2: a string that says how it was made. */
function textHash(format: Format, report: Report): string | undefined {
  const { value, encoding } = format.hash;
  if (encoding === undefined || encoding === 'utf8') return value;
  report(['hash', 'encoding'], `must be utf8 for ${format.algorithm}`);
  return undefined;
}

/** The hash value of hmac, md4, md5, sha1, sha256, sha512 and scrypt: bytes in hex or base64. */
function binaryHash(format: Format, report: Report): Buffer | undefined {
  const { value, encoding } = format.hash;
  if (encoding === 'hex' || encoding === 'base64') return decodeField(value, encoding, ['hash', 'value'], report);
  report(['hash', 'encoding'], `must be hex or base64 for ${format.algorithm}`);
  return undefined;
}

interface Salt {
  bytes: Buffer;
  position: SaltPosition;
}

function saltOf(format: Format, report: Report): Salt | undefined {
  if (format.salt === undefined) return { bytes: Buffer.alloc(0), position: 'prefix' };
  const { value, encoding = 'utf8', position = 'prefix' } = format.salt;
  const bytes = decodeField(value, encoding, ['salt', 'value'], report);
  return bytes && { bytes, position };
}

function salted(password: Buffer, salt: Salt): Buffer {
  return Buffer.concat(salt.position === 'prefix' ? [salt.bytes, password] : [password, salt.bytes]);
}

function hasDigestSize(expected: Buffer, digest: Digest, report: Report): boolean {
  if (expected.length === DIGEST_BYTES[digest]) return true;
  report(['hash', 'value'], `must be ${DIGEST_BYTES[digest]} bytes, the size of a ${digest} digest`);
  return false;
}

function decodeField(value: string, encoding: ValueEncoding, path: Path, report: Report): Buffer | undefined {
  const bytes = decode(value, encoding);
  if (bytes === undefined) report(path, `is not valid ${encoding}`);
  return bytes;
}

function decode(value: string, encoding: ValueEncoding): Buffer | undefined {
  if (encoding === 'utf8') return Buffer.from(value, 'utf8');
  if (encoding === 'hex') return HEX.test(value) ? Buffer.from(value, 'hex') : undefined;
  const unpadded = value.replace(/=+$/, '');
  const wellPadded = unpadded.length === value.length || value.length % 4 === 0;
  return BASE64.test(value) && wellPadded && unpadded.length % 4 !== 1 ? Buffer.from(value, 'base64') : undefined;
}

function phcBytes(value: string): Buffer | undefined {
  return PHC_B64.test(value) && value.length % 4 !== 1 ? Buffer.from(value, 'base64') : undefined;
}

/** What is wrong with a bcrypt hash, or undefined if nothing is. */
export function bcryptProblem(value: string): string | undefined {
  const cost = BCRYPT_HASH.exec(value)?.[1];
  if (cost === undefined) return 'must be a bcrypt hash: $2a$, $2b$ or $2y$, a two-digit cost, then 53 characters of salt and hash';
  if (Number(cost) < 4 || Number(cost) > MAX_BCRYPT_COST) return `must have a cost from 04 to ${MAX_BCRYPT_COST}`;
  return undefined;
}

/**
 * The password in the bytes the old system hashed. Node would keep only the low byte of a character
 * that ascii or latin1 cannot hold, letting two passwords share bytes; such a password cannot be the
 * one that was hashed, so it has no bytes here.
 */
function passwordBytes(password: string, encoding: PasswordEncoding): Buffer | undefined {
  switch (encoding) {
    case 'utf8':
      return Buffer.from(password, 'utf8');
    case 'utf16le':
    case 'ucs2':
      return Buffer.from(password, 'utf16le');
    case 'ascii':
      return fitsIn(password, 0x7f) ? Buffer.from(password, 'latin1') : undefined;
    case 'latin1':
    case 'binary':
      return fitsIn(password, 0xff) ? Buffer.from(password, 'latin1') : undefined;
  }
}

function fitsIn(text: string, highestCode: number): boolean {
  for (let index = 0; index < text.length; index++) if (text.charCodeAt(index) > highestCode) return false;
  return true;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function utf8String(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Digests are compared in constant time; their length is no secret (the algorithm fixes it). */
function sameBytes(actual: Uint8Array, expected: Uint8Array): boolean {
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

async function digestOf(digest: Digest, data: Uint8Array): Promise<Uint8Array> {
  const wasm = WASM_DIGESTS[digest];
  if (wasm === undefined) return createHash(digest).update(data).digest();
  return (await wasm()).init().update(data).digest('binary');
}

async function hmacOf(digest: Digest, key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const wasm = WASM_DIGESTS[digest];
  if (wasm === undefined) return createHmac(digest, key).update(data).digest();
  return (await createHMAC(wasm(), key)).init().update(data).digest('binary');
}

function pbkdf2Of(digest: Digest, password: Buffer, salt: Buffer, iterations: number, keyBytes: number): Promise<Uint8Array> {
  const wasm = WASM_DIGESTS[digest];
  if (wasm !== undefined) return pbkdf2InWasm(wasm, password, salt, iterations, keyBytes);
  // OpenSSL runs in libuv's thread pool, off the event loop.
  return new Promise((resolve, reject) => {
    pbkdf2(password, salt, iterations, keyBytes, digest, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** Iterations between two yields to the event loop (about 10 ms of whirlpool). */
const WASM_ITERATIONS_PER_TURN = 1024;

/** PBKDF2 (RFC 8018 §5.2) over hash-wasm's HMAC, yielding now and then so other requests go on. */
async function pbkdf2InWasm(
  createHasher: () => Promise<IHasher>,
  password: Buffer,
  salt: Buffer,
  iterations: number,
  keyBytes: number,
): Promise<Uint8Array> {
  const hmac = await createHMAC(createHasher(), password);
  const output = new Uint8Array(Math.ceil(keyBytes / hmac.digestSize) * hmac.digestSize);
  for (let block = 1; (block - 1) * hmac.digestSize < keyBytes; block++) {
    const index = Buffer.alloc(4);
    index.writeUInt32BE(block);
    let u = hmac.init().update(salt).update(index).digest('binary');
    const t = Uint8Array.from(u);
    for (let iteration = 1; iteration < iterations; iteration++) {
      if (iteration % WASM_ITERATIONS_PER_TURN === 0) await nextTurn();
      u = hmac.init().update(u).digest('binary');
      for (let byte = 0; byte < t.length; byte++) t[byte] = (t[byte] ?? 0) ^ (u[byte] ?? 0);
    }
    output.set(t, (block - 1) * hmac.digestSize);
  }
  return output.subarray(0, keyBytes);
}

function scryptOf(password: Buffer, salt: Buffer, keyBytes: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keyBytes, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}
