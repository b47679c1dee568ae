/**
 * Imported password hashes (Auth0's user-import format). Every hash is made here by another
 * implementation than the verifier's (hash-wasm, js-md4, or HMAC written out by hand) or comes from
 * Auth0's documentation, so a test passes only when the verifier computes what the old system did.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';

import {
  argon2d,
  argon2i,
  argon2id,
  bcrypt,
  createHMAC,
  createMD5,
  createMD4,
  createRIPEMD160,
  createSHA1,
  createSHA224,
  createSHA256,
  createSHA384,
  createSHA512,
  createWhirlpool,
  md5,
  pbkdf2,
  ripemd160,
  scrypt,
  sha1,
  sha224,
  sha256,
  sha384,
  sha512,
  whirlpool,
  type IHasher,
} from 'hash-wasm';

import {
  bcryptHashSchema,
  customPasswordHashSchema,
  describeImportedHash,
  verifyImportedHash,
  type ImportedHash,
} from '../../src/server/services/imported-hashes.js';

const require = createRequire(import.meta.url);
/** js-md4 is plain JavaScript without types; this is the part the tests use. */
const jsMd4 = require('js-md4') as { arrayBuffer(message: Uint8Array): ArrayBuffer };

const PASSWORD = 'Tr0ub4dor & ünïcödé 🐎';
const WRONG = 'Tr0ub4dor & ünïcödé 🐴';

type Bytes = Uint8Array;
type HashFunction = (data: Bytes) => Promise<Bytes>;

const fromHex = (hex: string): Bytes => Buffer.from(hex, 'hex');
const utf8 = (text: string): Bytes => Buffer.from(text, 'utf8');
const concat = (...parts: Bytes[]): Bytes => Buffer.concat(parts);
const hexOf = (bytes: Bytes): string => Buffer.from(bytes).toString('hex');
const base64Of = (bytes: Bytes): string => Buffer.from(bytes).toString('base64');
const phcOf = (bytes: Bytes): string => base64Of(bytes).replace(/=+$/, '');

/**
 * Digests from other implementations than the verifier's (OpenSSL; hash-wasm for md4 and whirlpool),
 * except whirlpool, which only hash-wasm has: its HMAC and PBKDF2 are still built differently here.
 */
const DIGESTS = {
  md4: (data: Bytes) => Promise.resolve(new Uint8Array(jsMd4.arrayBuffer(data))),
  md5: async (data: Bytes) => fromHex(await md5(data)),
  ripemd160: async (data: Bytes) => fromHex(await ripemd160(data)),
  sha1: async (data: Bytes) => fromHex(await sha1(data)),
  sha224: async (data: Bytes) => fromHex(await sha224(data)),
  sha256: async (data: Bytes) => fromHex(await sha256(data)),
  sha384: async (data: Bytes) => fromHex(await sha384(data)),
  sha512: async (data: Bytes) => fromHex(await sha512(data)),
  whirlpool: async (data: Bytes) => fromHex(await whirlpool(data)),
} satisfies Record<string, HashFunction>;
type DigestName = keyof typeof DIGESTS;

const BLOCK_BYTES: Record<DigestName, number> = {
  md4: 64,
  md5: 64,
  ripemd160: 64,
  sha1: 64,
  sha224: 64,
  sha256: 64,
  sha384: 128,
  sha512: 128,
  whirlpool: 64,
};

/** HMAC (RFC 2104) written out, so that it does not share code with either HMAC the verifier uses. */
async function hmacByHand(digest: DigestName, key: Bytes, message: Bytes): Promise<Bytes> {
  const hash = DIGESTS[digest];
  const padded = new Uint8Array(BLOCK_BYTES[digest]);
  padded.set(key.length > padded.length ? await hash(key) : key);
  const inner = await hash(concat(padded.map((byte) => byte ^ 0x36), message));
  return hash(concat(padded.map((byte) => byte ^ 0x5c), inner));
}

const HASHERS: Record<DigestName, () => Promise<IHasher>> = {
  md4: createMD4,
  md5: createMD5,
  ripemd160: createRIPEMD160,
  sha1: createSHA1,
  sha224: createSHA224,
  sha256: createSHA256,
  sha384: createSHA384,
  sha512: createSHA512,
  whirlpool: createWhirlpool,
};

function pbkdf2Of(digest: DigestName, password: Bytes, salt: Bytes, iterations: number, hashLength: number): Promise<Bytes> {
  return pbkdf2({ password, salt, iterations, hashLength, hashFunction: HASHERS[digest](), outputType: 'binary' });
}

function bcryptOf(password: Bytes, costFactor = 4): Promise<string> {
  return bcrypt({ password, salt: fromHex('8f3a61c0d2e4b5a69788796a5b4c3d2e'), costFactor, outputType: 'encoded' });
}

/** Parses the format (so the schema must accept it), then checks the right and a wrong password. */
async function assertVerifies(format: unknown, password = PASSWORD, wrong = WRONG): Promise<void> {
  const hash: ImportedHash = { kind: 'custom', format: customPasswordHashSchema.parse(format) };
  assert.equal(await verifyImportedHash(hash, password), true, `the right password verifies: ${JSON.stringify(format)}`);
  assert.equal(await verifyImportedHash(hash, wrong), false, `a wrong password does not: ${JSON.stringify(format)}`);
}

function verifyCustom(format: unknown, password = PASSWORD): Promise<boolean> {
  return verifyImportedHash({ kind: 'custom', format } as ImportedHash, password);
}

/** The paths of the issues the schema raises, as dotted strings. */
function issuePaths(format: unknown): string[] {
  const result = customPasswordHashSchema.safeParse(format);
  assert.equal(result.success, false, `rejected: ${JSON.stringify(format)}`);
  return (result.error?.issues ?? []).map((issue) => issue.path.join('.'));
}

describe('plain digests: md4, md5, sha1, sha256, sha512', () => {
  const algorithms = ['md4', 'md5', 'sha1', 'sha256', 'sha512'] as const;

  it('verifies each algorithm with its hash in lower- and upper-case hex, base64 and unpadded base64url', async () => {
    for (const algorithm of algorithms) {
      const digest = await DIGESTS[algorithm](utf8(PASSWORD));
      const values = [
        { value: hexOf(digest), encoding: 'hex' },
        { value: hexOf(digest).toUpperCase(), encoding: 'hex' },
        { value: base64Of(digest), encoding: 'base64' },
        { value: Buffer.from(digest).toString('base64url'), encoding: 'base64' },
      ];
      for (const hash of values) await assertVerifies({ algorithm, hash });
    }
  });

  it('places the salt before the password by default and as a prefix, after it as a suffix', async () => {
    for (const algorithm of algorithms) {
      const before = await DIGESTS[algorithm](concat(utf8('pepper&salt'), utf8(PASSWORD)));
      const after = await DIGESTS[algorithm](concat(utf8(PASSWORD), utf8('pepper&salt')));
      const hash = (digest: Bytes) => ({ value: hexOf(digest), encoding: 'hex' });
      await assertVerifies({ algorithm, hash: hash(before), salt: { value: 'pepper&salt' } });
      await assertVerifies({ algorithm, hash: hash(before), salt: { value: 'pepper&salt', position: 'prefix' } });
      await assertVerifies({ algorithm, hash: hash(after), salt: { value: 'pepper&salt', position: 'suffix' } });
      assert.equal(await verifyCustom({ algorithm, hash: hash(after), salt: { value: 'pepper&salt', position: 'prefix' } }), false);
    }
  });

  it('decodes the salt in each encoding: utf8 (the default), hex in either case, base64 and base64url', async () => {
    const salt = fromHex('00ff10fe7f80c3e2fb');
    const digest = base64Of(await DIGESTS.sha1(concat(salt, utf8(PASSWORD))));
    const textSalt = base64Of(await DIGESTS.sha1(concat(utf8('ßalt'), utf8(PASSWORD))));
    await assertVerifies({ algorithm: 'sha1', hash: { value: textSalt, encoding: 'base64' }, salt: { value: 'ßalt' } });
    await assertVerifies({ algorithm: 'sha1', hash: { value: textSalt, encoding: 'base64' }, salt: { value: 'ßalt', encoding: 'utf8' } });
    for (const value of [hexOf(salt), hexOf(salt).toUpperCase()]) {
      await assertVerifies({ algorithm: 'sha1', hash: { value: digest, encoding: 'base64' }, salt: { value, encoding: 'hex' } });
    }
    for (const value of [base64Of(salt), Buffer.from(salt).toString('base64url')]) {
      await assertVerifies({ algorithm: 'sha1', hash: { value: digest, encoding: 'base64' }, salt: { value, encoding: 'base64' } });
    }
  });

  it('gives the password to the hash in the encoding the format names', async () => {
    const latin = 'Crème brûlée à la française';
    const cases = [
      { encoding: 'utf8', password: PASSWORD, bytes: Buffer.from(PASSWORD, 'utf8') },
      { encoding: 'utf16le', password: PASSWORD, bytes: Buffer.from(PASSWORD, 'utf16le') },
      { encoding: 'ucs2', password: PASSWORD, bytes: Buffer.from(PASSWORD, 'utf16le') },
      { encoding: 'latin1', password: latin, bytes: Buffer.from(latin, 'latin1') },
      { encoding: 'binary', password: latin, bytes: Buffer.from(latin, 'latin1') },
      { encoding: 'ascii', password: 'plain ASCII 123!', bytes: Buffer.from('plain ASCII 123!', 'latin1') },
    ];
    for (const { encoding, password, bytes } of cases) {
      const value = hexOf(await DIGESTS.md5(concat(utf8('s'), bytes)));
      await assertVerifies(
        { algorithm: 'md5', hash: { value, encoding: 'hex' }, salt: { value: 's' }, password: { encoding } },
        password,
        `${password}?`,
      );
    }
    const latinHash = { value: hexOf(await DIGESTS.md5(Buffer.from(latin, 'latin1'))), encoding: 'hex' };
    assert.equal(await verifyCustom({ algorithm: 'md5', hash: latinHash }, latin), false, 'UTF-8 is not latin1');
  });

  it('refuses a password that the named encoding cannot hold, rather than keep the low bytes of its characters', async () => {
    // Node would turn 'é' into 0xe9 for ascii and 'ā' (U+0101) into 0x01 for latin1.
    const e9 = { value: hexOf(await DIGESTS.md5(fromHex('e9'))), encoding: 'hex' };
    assert.equal(await verifyCustom({ algorithm: 'md5', hash: e9, password: { encoding: 'ascii' } }, 'é'), false);
    assert.equal(await verifyCustom({ algorithm: 'md5', hash: e9, password: { encoding: 'latin1' } }, 'é'), true);
    const one = { value: hexOf(await DIGESTS.md5(fromHex('01'))), encoding: 'hex' };
    assert.equal(await verifyCustom({ algorithm: 'md5', hash: one, password: { encoding: 'latin1' } }, 'ā'), false);
    assert.equal(await verifyCustom({ algorithm: 'md5', hash: one, password: { encoding: 'latin1' } }, '\u0001'), true);
  });
});

describe('hmac', () => {
  const digests = ['md4', 'md5', 'ripemd160', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512', 'whirlpool'] as const;

  it('verifies every digest Auth0 lists, with the hash in hex and in base64', async () => {
    for (const digest of digests) {
      const mac = await hmacByHand(digest, utf8('server key'), utf8(PASSWORD));
      const key = { value: 'server key' };
      await assertVerifies({ algorithm: 'hmac', hash: { value: hexOf(mac), encoding: 'hex', digest, key } });
      await assertVerifies({ algorithm: 'hmac', hash: { value: base64Of(mac), encoding: 'base64', digest, key } });
    }
  });

  it('agrees with hash-wasm for the digests it takes from OpenSSL', async () => {
    for (const digest of ['md5', 'ripemd160', 'sha1', 'sha256', 'sha512'] as const) {
      const hasher = await createHMAC(HASHERS[digest](), utf8('k'));
      const value = hexOf(hasher.init().update(utf8(PASSWORD)).digest('binary'));
      await assertVerifies({ algorithm: 'hmac', hash: { value, encoding: 'hex', digest, key: { value: 'k' } } });
    }
  });

  it('decodes the key in each encoding and uses a key longer than a block by its digest', async () => {
    const key = fromHex('00112233445566778899aabbccddeeff00');
    const mac = hexOf(await hmacByHand('sha256', key, utf8(PASSWORD)));
    for (const encoded of [
      { value: hexOf(key), encoding: 'hex' },
      { value: base64Of(key), encoding: 'base64' },
      { value: Buffer.from(key).toString('base64url'), encoding: 'base64' },
    ]) {
      await assertVerifies({ algorithm: 'hmac', hash: { value: mac, encoding: 'hex', digest: 'sha256', key: encoded } });
    }
    const longKey = 'k'.repeat(200);
    const longMac = hexOf(await hmacByHand('sha512', utf8(longKey), utf8(PASSWORD)));
    await assertVerifies({ algorithm: 'hmac', hash: { value: longMac, encoding: 'hex', digest: 'sha512', key: { value: longKey, encoding: 'utf8' } } });
    const other = { algorithm: 'hmac', hash: { value: longMac, encoding: 'hex', digest: 'sha512', key: { value: 'another key' } } };
    assert.equal(await verifyCustom(other), false, 'another key');
  });

  it('adds a salt where the format places it', async () => {
    const prefixed = hexOf(await hmacByHand('sha1', utf8('k'), concat(utf8('salt'), utf8(PASSWORD))));
    const suffixed = hexOf(await hmacByHand('sha1', utf8('k'), concat(utf8(PASSWORD), utf8('salt'))));
    const hash = (value: string) => ({ value, encoding: 'hex', digest: 'sha1', key: { value: 'k' } });
    await assertVerifies({ algorithm: 'hmac', hash: hash(prefixed), salt: { value: 'salt' } });
    await assertVerifies({ algorithm: 'hmac', hash: hash(suffixed), salt: { value: 'salt', position: 'suffix' } });
  });
});

describe('ldap (RFC 2307)', () => {
  const schemes = [
    ['MD5', 'md5', false],
    ['SMD5', 'md5', true],
    ['SHA', 'sha1', false],
    ['SSHA', 'sha1', true],
    ['SHA224', 'sha224', false],
    ['SSHA224', 'sha224', true],
    ['SHA256', 'sha256', false],
    ['SSHA256', 'sha256', true],
    ['SHA384', 'sha384', false],
    ['SSHA384', 'sha384', true],
    ['SHA512', 'sha512', false],
    ['SSHA512', 'sha512', true],
  ] as const;

  it('verifies every scheme: the digest, then for salted schemes the salt, in base64', async () => {
    const salt = fromHex('a1b2c3d4e5f60718');
    for (const [scheme, digest, isSalted] of schemes) {
      const value = isSalted
        ? concat(await DIGESTS[digest](concat(utf8(PASSWORD), salt)), salt)
        : await DIGESTS[digest](utf8(PASSWORD));
      await assertVerifies({ algorithm: 'ldap', hash: { value: `{${scheme}}${base64Of(value)}` } });
      await assertVerifies({ algorithm: 'ldap', hash: { value: `{${scheme.toLowerCase()}}${base64Of(value)}`, encoding: 'utf8' } });
    }
  });
});

describe('bcrypt', () => {
  it('verifies password_hash with the $2a$, $2b$ and $2y$ prefixes', async () => {
    const made = await bcryptOf(utf8(PASSWORD));
    for (const prefix of ['$2a$', '$2b$', '$2y$']) {
      const value = prefix + made.slice(4);
      assert.equal(bcryptHashSchema.safeParse(value).success, true, prefix);
      assert.equal(await verifyImportedHash({ kind: 'bcrypt', value }, PASSWORD), true, prefix);
      assert.equal(await verifyImportedHash({ kind: 'bcrypt', value }, WRONG), false, prefix);
      await assertVerifies({ algorithm: 'bcrypt', hash: { value } });
      await assertVerifies({ algorithm: 'bcrypt', hash: { value, encoding: 'utf8' } });
    }
  });

  it('adds a salt before or after the password', async () => {
    const before = await bcryptOf(concat(utf8('pepper'), utf8(PASSWORD)));
    const after = await bcryptOf(concat(utf8(PASSWORD), fromHex('414243')));
    await assertVerifies({ algorithm: 'bcrypt', hash: { value: before }, salt: { value: 'pepper' } });
    await assertVerifies({ algorithm: 'bcrypt', hash: { value: after }, salt: { value: '414243', encoding: 'hex', position: 'suffix' } });
  });

  it('gives bcrypt bytes that are not UTF-8 as they are: latin1 passwords, binary salts', async () => {
    const latin = await bcryptOf(Buffer.from('café crème', 'latin1'));
    await assertVerifies({ algorithm: 'bcrypt', hash: { value: latin }, password: { encoding: 'latin1' } }, 'café crème', 'cafe crème');
    await assertVerifies({ algorithm: 'bcrypt', hash: { value: latin }, password: { encoding: 'binary' } }, 'café crème', 'café crèmé');
    const binarySalt = await bcryptOf(concat(fromHex('ff00fe'), utf8(PASSWORD)));
    await assertVerifies({ algorithm: 'bcrypt', hash: { value: binarySalt }, salt: { value: '/wD+', encoding: 'base64' } });
  });

  it('reads no more than 72 bytes, salt included', async () => {
    const long = 'x'.repeat(80);
    const value = await bcryptOf(concat(utf8('0123456789'), utf8(long.slice(0, 62))));
    const format = { algorithm: 'bcrypt', hash: { value }, salt: { value: '0123456789' } };
    assert.equal(await verifyCustom(format, long), true, 'the first 62 bytes of the password count');
    assert.equal(await verifyCustom(format, 'x'.repeat(61)), false);
    const latin = { ...format, password: { encoding: 'latin1' } };
    assert.equal(await verifyCustom(latin, `${long}é`), true, 'and so for bytes that are not UTF-8');
  });
});

describe('argon2', () => {
  it('verifies argon2i, argon2d and argon2id PHC strings', async () => {
    const salt = fromHex('5f0e1d2c3b4a59687786950413223140');
    for (const argon2 of [argon2i, argon2d, argon2id]) {
      for (const [memorySize, iterations, parallelism] of [[1024, 2, 1], [2048, 1, 2]] as const) {
        const value = await argon2({ password: utf8(PASSWORD), salt, iterations, parallelism, memorySize, hashLength: 32, outputType: 'encoded' });
        await assertVerifies({ algorithm: 'argon2', hash: { value } });
      }
    }
  });

  it('gives argon2 the password in the encoding the format names, UTF-8 or not', async () => {
    const latin = 'Crème brûlée';
    for (const argon2 of [argon2i, argon2d, argon2id]) {
      for (const [encoding, password] of [['utf16le', PASSWORD], ['latin1', latin], ['ascii', 'ASCII only']] as const) {
        const value = await argon2({
          password: Buffer.from(password, encoding === 'ascii' ? 'latin1' : encoding),
          salt: fromHex('00112233445566778899aabbccddeeff'),
          iterations: 1,
          parallelism: 1,
          memorySize: 512,
          hashLength: 24,
          outputType: 'encoded',
        });
        await assertVerifies({ algorithm: 'argon2', hash: { value, encoding: 'utf8' }, password: { encoding } }, password, `${password}.`);
      }
    }
  });
});

describe('pbkdf2 (PHC strings)', () => {
  const salt = fromHex('6a1f9e2d3c4b5a60');
  const phc = async (id: string, digest: DigestName, iterations: number, length: number, parameters = `i=${iterations},l=${length}`) =>
    `$pbkdf2-${id}$${parameters}$${phcOf(salt)}$${phcOf(await pbkdf2Of(digest, utf8(PASSWORD), salt, iterations, length))}`;

  it('verifies each digest, md4 and whirlpool included', async () => {
    for (const digest of ['md4', 'md5', 'ripemd160', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512', 'whirlpool'] as const) {
      await assertVerifies({ algorithm: 'pbkdf2', hash: { value: await phc(digest, digest, 1000, 64) } });
    }
  });

  it("takes OpenSSL's other names for the digests", async () => {
    const aliases = [
      ['RSA-SHA256', 'sha256'],
      ['sha512WithRSAEncryption', 'sha512'],
      ['RSA-SHA1-2', 'sha1'],
      ['ssl3-sha1', 'sha1'],
      ['rmd160', 'ripemd160'],
      ['RSA-MD4', 'md4'],
      ['ssl3-md5', 'md5'],
    ] as const;
    for (const [id, digest] of aliases) await assertVerifies({ algorithm: 'pbkdf2', hash: { value: await phc(id, digest, 500, 32) } });
  });

  it('uses the key length l, and i=100000 and l=64 when they are left out', async () => {
    await assertVerifies({ algorithm: 'pbkdf2', hash: { value: await phc('sha256', 'sha256', 2000, 20), encoding: 'utf8' } });
    await assertVerifies({ algorithm: 'pbkdf2', hash: { value: await phc('sha1', 'sha1', 100_000, 64, 'l=64') } });
    await assertVerifies({ algorithm: 'pbkdf2', hash: { value: await phc('sha512', 'sha512', 3000, 64, 'i=3000') } });
    const bare = await phc('sha512', 'sha512', 100_000, 64);
    await assertVerifies({ algorithm: 'pbkdf2', hash: { value: bare.replace('$i=100000,l=64', '') } });
  });

  it('gives pbkdf2 the password in the encoding the format names', async () => {
    const latin = 'naïve façade';
    const derived = await pbkdf2Of('sha256', Buffer.from(latin, 'latin1'), salt, 1000, 32);
    const value = `$pbkdf2-sha256$i=1000,l=32$${phcOf(salt)}$${phcOf(derived)}`;
    await assertVerifies({ algorithm: 'pbkdf2', hash: { value }, password: { encoding: 'latin1' } }, latin, 'naive façade');
  });
});

describe('scrypt', () => {
  const scryptOf = (salt: Bytes, costFactor: number, blockSize: number, parallelism: number, hashLength: number) =>
    scrypt({ password: utf8(PASSWORD), salt, costFactor, blockSize, parallelism, hashLength, outputType: 'binary' });

  it('uses cost, blockSize and parallelization when given', async () => {
    const salt = fromHex('deadbeef00c0ffee');
    const derived = await scryptOf(salt, 1024, 4, 2, 24);
    await assertVerifies({
      algorithm: 'scrypt',
      hash: { value: hexOf(derived), encoding: 'hex' },
      salt: { value: hexOf(salt), encoding: 'hex' },
      keylen: 24,
      cost: 1024,
      blockSize: 4,
      parallelization: 2,
    });
    const defaults = { algorithm: 'scrypt', hash: { value: hexOf(derived), encoding: 'hex' }, salt: { value: hexOf(salt), encoding: 'hex' }, keylen: 24 };
    assert.equal(await verifyCustom(defaults), false, 'other parameters, another key');
  });

  it('defaults to N=16384, r=8, p=1, and to an empty salt', async () => {
    const derived = await scryptOf(utf8('NaCl'), 16_384, 8, 1, 32);
    await assertVerifies({ algorithm: 'scrypt', hash: { value: base64Of(derived), encoding: 'base64' }, salt: { value: 'NaCl' }, keylen: 32 });
    const unsalted = await scryptOf(new Uint8Array(0), 16_384, 8, 1, 16);
    await assertVerifies({ algorithm: 'scrypt', hash: { value: hexOf(unsalted), encoding: 'hex' }, keylen: 16 });
  });
});

/** The examples of "Bulk User Import Database Schema and Examples", with the passwords they were made from. */
const DOCUMENTED = [
  [{ algorithm: 'md4', hash: { value: 'AbuUujgF0pPPkJPSFRTpmA==', encoding: 'base64' } }, 'shh'],
  [
    {
      algorithm: 'sha256',
      hash: { value: 'd24e794fce503c3ddb1cd1ba1dd5d9b250cf9917336a0316fefd87fecf79200f', encoding: 'hex' },
      salt: { value: 'abc123', position: 'prefix' },
    },
    'shh',
  ],
  [{ algorithm: 'bcrypt', hash: { value: '$2b$10$C9hB01.YxRSTcn/ZOOo4j.TW7xCKKFKBSF.C7E0xiUwumqIDqWUXG' } }, 'shh'],
  [
    {
      algorithm: 'argon2',
      hash: { value: '$argon2id$v=19$m=65536,t=2,p=1$J6Q/82PCyaNpYKRELJyTZg$m04qUAB8rexWDR4+/0f+SFB+4XMFxt7YAvAq2UycYos' },
    },
    'shh',
  ],
  [
    {
      algorithm: 'pbkdf2',
      hash: {
        value:
          '$pbkdf2-md4$i=100000,l=64$+N375B8q0Fw$fp2R9KAM4hK/votGHC5Fu+jhqbxUD8+Nic/EMSGvNC3UP/k7wSHI0uXluHRSkZfl/BOheYqNOemayG90ZaSSQw',
        encoding: 'utf8',
      },
    },
    'shh',
  ],
  [
    {
      algorithm: 'pbkdf2',
      hash: {
        value:
          '$pbkdf2-sha512$i=100000,l=64$KNyFsA2rWoE$I2CQGI9H0JxdDf3kERRI97kPCGxh0KWBIV3MxyaS191gDGfzVBGyS4BibhgqWQ0/ails8mHuU9ckASxHOOq58w',
      },
    },
    'shh',
  ],
  [
    {
      algorithm: 'ldap',
      hash: { value: '{SSHA384}/cgEjdoZh85DhurDeOQEMO1rMlAur93SVPbYe5XSD4lF7nNuvrBju5hUeg9A6agRemgSXGl5YuE=', encoding: 'utf8' },
    },
    'shh',
  ],
  [
    {
      algorithm: 'hmac',
      hash: { value: 'cg7f42jH39/2EaAU4wNd4s2lKIk=', encoding: 'base64', digest: 'sha1', key: { value: '736868', encoding: 'hex' } },
    },
    'test',
  ],
  [
    {
      algorithm: 'scrypt',
      hash: { value: '097f6197e1b41538f723e32aa7a68e8d76227d8e432ce5faa4882a913032db29', encoding: 'hex' },
      salt: { value: 'abc123', encoding: 'utf8' },
      keylen: 32,
      cost: 4096,
    },
    'password',
  ],
] as const;

describe("Auth0's documented examples", () => {
  it('are accepted and verify with the passwords they were made from', async () => {
    for (const [format, password] of DOCUMENTED) await assertVerifies(format, password, `${password}!`);
  });

  it('accept the bcrypt password_hash examples', async () => {
    assert.equal(bcryptHashSchema.safeParse('$2a$10$aHF7mbpWT6tZ7PJVtwtjNelaKbszikcYBCB2jibvbFcGFmOsu/s4K').success, true);
    const hello = '$2b$10$nFguVi9LsCAcvTZFKQlRKeLVydo8ETv483lkNsSFI/Wl1Rz1Ypo1K';
    assert.equal(bcryptHashSchema.safeParse(hello).success, true);
    assert.equal(await verifyImportedHash({ kind: 'bcrypt', value: hello }, 'hello'), true);
    assert.equal(await verifyImportedHash({ kind: 'bcrypt', value: hello }, 'Hello'), false);
  });
});

describe('customPasswordHashSchema rejections name the field', () => {
  const md5 = { algorithm: 'md5', hash: { value: '5f4dcc3b5aa765d61d8327deb882cf99', encoding: 'hex' } };
  const hmac = { algorithm: 'hmac', hash: { ...md5.hash, digest: 'md5', key: { value: 'k' } } };

  it('unknown fields, at every level', () => {
    assert.deepEqual(issuePaths({ ...md5, iterations: 5 }), ['iterations']);
    assert.deepEqual(issuePaths({ ...md5, hash: { ...md5.hash, format: 'hex' } }), ['hash.format']);
    assert.deepEqual(issuePaths({ ...md5, salt: { value: 's', length: 1 } }), ['salt.length']);
    assert.deepEqual(issuePaths({ ...md5, password: { encoding: 'utf8', normalize: true } }), ['password.normalize']);
    assert.deepEqual(issuePaths({ ...hmac, hash: { ...hmac.hash, key: { value: 'k', id: 1 } } }), ['hash.key.id']);
  });

  it('values outside the documented lists', () => {
    assert.deepEqual(issuePaths({ ...md5, algorithm: 'sha384' }), ['algorithm']);
    assert.deepEqual(issuePaths({ ...md5, algorithm: 'crypt' }), ['algorithm']);
    assert.deepEqual(issuePaths({ ...md5, salt: { value: 's', position: 'middle' } }), ['salt.position']);
    assert.deepEqual(issuePaths({ ...md5, salt: { value: 's', encoding: 'base32' } }), ['salt.encoding']);
    assert.deepEqual(issuePaths({ ...md5, hash: { ...md5.hash, encoding: 'binary' } }), ['hash.encoding']);
    assert.deepEqual(issuePaths({ ...md5, password: { encoding: 'utf32' } }), ['password.encoding']);
    assert.deepEqual(issuePaths({ ...hmac, hash: { ...hmac.hash, digest: 'sha3-256' } }), ['hash.digest']);
    assert.deepEqual(issuePaths({ ...hmac, hash: { ...hmac.hash, key: { value: 'k', encoding: 'latin1' } } }), ['hash.key.encoding']);
  });

  it('missing required fields', () => {
    assert.deepEqual(issuePaths({ algorithm: 'md5', hash: { encoding: 'hex' } }), ['hash.value']);
    assert.deepEqual(issuePaths({ algorithm: 'md5', hash: { value: '', encoding: 'hex' } }), ['hash.value']);
    assert.deepEqual(issuePaths({ algorithm: 'md5' }), ['hash']);
    assert.deepEqual(issuePaths({ hash: md5.hash }), ['algorithm']);
    assert.deepEqual(issuePaths({ ...md5, salt: { encoding: 'hex' } }), ['salt.value']);
    assert.deepEqual(issuePaths({ algorithm: 'md5', hash: { value: md5.hash.value } }), ['hash.encoding']);
    assert.deepEqual(issuePaths({ ...hmac, hash: { ...md5.hash, key: { value: 'k' } } }), ['hash.digest']);
    assert.deepEqual(issuePaths({ ...hmac, hash: { ...md5.hash, digest: 'md5' } }), ['hash.key']);
    assert.deepEqual(issuePaths({ ...hmac, hash: { ...hmac.hash, key: { encoding: 'hex' } } }), ['hash.key.value']);
    assert.deepEqual(issuePaths({ algorithm: 'scrypt', hash: { value: 'aa', encoding: 'hex' } }), ['keylen']);
  });

  it('options given to an algorithm that does not take them', () => {
    const argon2 = { algorithm: 'argon2', hash: { value: DOCUMENTED[3][0].hash.value } };
    const pbkdf2Value = DOCUMENTED[5][0].hash.value;
    assert.deepEqual(issuePaths({ ...md5, hash: { ...md5.hash, key: { value: 'k' } } }), ['hash.key']);
    assert.deepEqual(issuePaths({ ...md5, hash: { ...md5.hash, digest: 'md5' } }), ['hash.digest']);
    assert.deepEqual(issuePaths({ ...md5, keylen: 16 }), ['keylen']);
    assert.deepEqual(issuePaths({ ...md5, cost: 16_384, blockSize: 8, parallelization: 1 }), ['cost', 'blockSize', 'parallelization']);
    assert.deepEqual(issuePaths({ ...argon2, salt: { value: 's' } }), ['salt']);
    assert.deepEqual(issuePaths({ algorithm: 'pbkdf2', hash: { value: pbkdf2Value }, salt: { value: 's' } }), ['salt']);
    assert.deepEqual(issuePaths({ ...DOCUMENTED[6][0], salt: { value: 's' } }), ['salt']);
    assert.deepEqual(issuePaths({ ...argon2, hash: { ...argon2.hash, encoding: 'base64' } }), ['hash.encoding']);
    assert.deepEqual(issuePaths({ algorithm: 'bcrypt', hash: { value: DOCUMENTED[2][0].hash.value, encoding: 'hex' } }), ['hash.encoding']);
    assert.deepEqual(issuePaths({ ...md5, hash: { ...md5.hash, encoding: 'utf8' } }), ['hash.encoding']);
    const bcryptValue = DOCUMENTED[2][0].hash.value;
    assert.deepEqual(issuePaths({ algorithm: 'bcrypt', hash: { value: bcryptValue }, password: { encoding: 'utf16le' } }), ['password.encoding']);
  });

  it('values that do not decode, or have the wrong size for their algorithm', () => {
    assert.deepEqual(issuePaths({ ...md5, hash: { value: 'zz'.repeat(16), encoding: 'hex' } }), ['hash.value']);
    assert.deepEqual(issuePaths({ ...md5, hash: { value: 'abc', encoding: 'hex' } }), ['hash.value']);
    assert.deepEqual(issuePaths({ ...md5, hash: { value: 'X1dMzDtap2XWHYMn3rgs*Q==', encoding: 'base64' } }), ['hash.value']);
    assert.deepEqual(issuePaths({ ...md5, hash: { value: 'AAAAA', encoding: 'base64' } }), ['hash.value']);
    assert.deepEqual(issuePaths({ ...md5, hash: { value: 'ab'.repeat(20), encoding: 'hex' } }), ['hash.value']);
    assert.deepEqual(issuePaths({ ...md5, salt: { value: 'xyz', encoding: 'hex' } }), ['salt.value']);
    assert.deepEqual(issuePaths({ ...hmac, hash: { ...hmac.hash, key: { value: 'a!b', encoding: 'base64' } } }), ['hash.key.value']);
    const scryptHash = { algorithm: 'scrypt', hash: { value: 'aa'.repeat(32), encoding: 'hex' } };
    assert.deepEqual(issuePaths({ ...scryptHash, keylen: 16 }), ['hash.value']);
    assert.deepEqual(issuePaths({ ...scryptHash, keylen: 0 }), ['keylen']);
    assert.deepEqual(issuePaths({ ...scryptHash, keylen: 32, cost: 1000 }), ['cost']);
    assert.deepEqual(issuePaths({ ...scryptHash, keylen: 32, cost: 1 }), ['cost']);
    assert.deepEqual(issuePaths({ ...scryptHash, keylen: 32, blockSize: 0 }), ['blockSize']);
    assert.deepEqual(issuePaths({ ...scryptHash, keylen: 32, parallelization: 1.5 }), ['parallelization']);
  });

  it('self-describing values that are not what their algorithm needs', () => {
    const rejectedValues = {
      ldap: ['{CRYPT}aBcDeFgHiJkLm', '{SSHA}' + base64Of(new Uint8Array(20)), '{SHA}' + base64Of(new Uint8Array(21)), 'SSHA}abc', '{SHA}***'],
      pbkdf2: [
        '$pbkdf2-sha3-256$i=1000,l=32$c2FsdA$' + phcOf(new Uint8Array(32)),
        '$pbkdf2-mdc2$i=1000,l=16$c2FsdA$' + phcOf(new Uint8Array(16)),
        '$pbkdf2-sha256$i=1000,l=16$c2FsdA$' + phcOf(new Uint8Array(32)),
        '$pbkdf2-sha256$i=1000,l=32$c2FsdA==$' + phcOf(new Uint8Array(32)),
        '$pbkdf2-sha256$i=1000,l=32,x=1$c2FsdA$' + phcOf(new Uint8Array(32)),
        '$pbkdf2-sha256$i=0,l=32$c2FsdA$' + phcOf(new Uint8Array(32)),
        '$pbkdf2-sha256$i=1=2,l=32$c2FsdA$' + phcOf(new Uint8Array(32)),
        '$pbkdf2-sha256$i=1,i=2,l=32$c2FsdA$' + phcOf(new Uint8Array(32)),
        '$pbkdf2-sha256$i=1000,l=32$c2FsdA',
        '$pbkdf2$i=1000,l=32$c2FsdA$' + phcOf(new Uint8Array(32)),
      ],
      argon2: ['$argon2id$v=19$m=65536,t=2,p=1$J6Q/82PCyaNpYKRELJyTZg', '$argon2x$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$aGFzaGhhc2g', '$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaGhhc2g',
        '$argon2id$v=19$m=65536,t=2,p=256$c29tZXNhbHQ$aGFzaGhhc2g', '$argon2id$v=19$m=8,t=2,p=2$c29tZXNhbHQ$aGFzaGhhc2g'],
      bcrypt: ['$2x$10$C9hB01.YxRSTcn/ZOOo4j.TW7xCKKFKBSF.C7E0xiUwumqIDqWUXG', '$2b$10$C9hB01.YxRSTcn/ZOOo4j.', '$2$10$C9hB01.YxRSTcn/ZOOo4j.TW7xCKKFKBSF.C7E0xiUwumqIDqWUXG'],
    };
    for (const [algorithm, values] of Object.entries(rejectedValues)) {
      for (const value of values) assert.deepEqual(issuePaths({ algorithm, hash: { value } }), ['hash.value'], value);
    }
  });

  it('costs beyond what this server verifies, and accepts them up to the limits', () => {
    const salt = phcOf(new Uint8Array(16));
    const argon2 = (parameters: string) => ({ algorithm: 'argon2', hash: { value: `$argon2id$v=19$${parameters}$${salt}$${phcOf(new Uint8Array(32))}` } });
    assert.equal(customPasswordHashSchema.safeParse(argon2('m=262144,t=4,p=4')).success, true);
    assert.deepEqual(issuePaths(argon2('m=262145,t=1,p=1')), ['hash.value']);
    assert.deepEqual(issuePaths(argon2('m=65536,t=17,p=1')), ['hash.value']);
    const pbkdf2 = (id: string, iterations: number, length: number) => ({
      algorithm: 'pbkdf2',
      hash: { value: `$pbkdf2-${id}$i=${iterations},l=${length}$${salt}$${phcOf(new Uint8Array(length))}` },
    });
    assert.equal(customPasswordHashSchema.safeParse(pbkdf2('sha512', 10_000_000, 64)).success, true);
    assert.deepEqual(issuePaths(pbkdf2('sha512', 10_000_001, 64)), ['hash.value']);
    assert.deepEqual(issuePaths(pbkdf2('sha256', 5_000_001, 64)), ['hash.value'], 'two blocks of output');
    assert.equal(customPasswordHashSchema.safeParse(pbkdf2('md4', 1_000_000, 16)).success, true);
    assert.deepEqual(issuePaths(pbkdf2('md4', 1_000_001, 16)), ['hash.value'], 'md4 runs on the event loop');
    const scrypt = (cost: number, blockSize: number, parallelization: number) => ({
      algorithm: 'scrypt',
      hash: { value: 'aa'.repeat(32), encoding: 'hex' },
      keylen: 32,
      cost,
      blockSize,
      parallelization,
    });
    assert.equal(customPasswordHashSchema.safeParse(scrypt(2 ** 20, 1, 1)).success, true);
    assert.deepEqual(issuePaths(scrypt(2 ** 21, 1, 1)), ['cost']);
    assert.deepEqual(issuePaths(scrypt(2 ** 20, 8, 1)), ['blockSize'], '1 GiB of memory');
    assert.equal(customPasswordHashSchema.safeParse(scrypt(2 ** 14, 8, 64)).success, true);
    assert.deepEqual(issuePaths(scrypt(2 ** 14, 8, 65)), ['parallelization']);
    assert.deepEqual(issuePaths({ algorithm: 'bcrypt', hash: { value: '$2b$16$C9hB01.YxRSTcn/ZOOo4j.TW7xCKKFKBSF.C7E0xiUwumqIDqWUXG' } }), ['hash.value']);
  });
});

describe('bcryptHashSchema', () => {
  it('rejects what is not a bcrypt hash of a cost this server verifies', () => {
    const rejected = [
      '',
      '$2x$10$C9hB01.YxRSTcn/ZOOo4j.TW7xCKKFKBSF.C7E0xiUwumqIDqWUXG',
      '$2b$10$C9hB01.YxRSTcn/ZOOo4j.TW7xCKKFKBSF.C7E0xiUwumqIDqWUX',
      '$2b$03$C9hB01.YxRSTcn/ZOOo4j.TW7xCKKFKBSF.C7E0xiUwumqIDqWUXG',
      '$2b$31$C9hB01.YxRSTcn/ZOOo4j.TW7xCKKFKBSF.C7E0xiUwumqIDqWUXG',
      '$argon2id$v=19$m=65536,t=2,p=1$J6Q/82PCyaNpYKRELJyTZg$m04qUAB8rexWDR4+/0f+SFB+4XMFxt7YAvAq2UycYos',
    ];
    for (const value of rejected) assert.equal(bcryptHashSchema.safeParse(value).success, false, value);
    assert.equal(bcryptHashSchema.safeParse('$2b$15$C9hB01.YxRSTcn/ZOOo4j.TW7xCKKFKBSF.C7E0xiUwumqIDqWUXG').success, true);
  });
});

describe('verifyImportedHash on malformed stored hashes', () => {
  it('returns false, without throwing and without doing the work, for anything it cannot or will not check', async () => {
    const started = performance.now();
    const malformed: unknown[] = [
      { algorithm: 'argon2', hash: { value: '$argon2id$v=19$m=65536,t=2,p=1$J6Q/82PCyaNpYKRELJyTZg' } },
      { algorithm: 'argon2', hash: { value: '$argon2id$v=19$m=4194304,t=1,p=1$J6Q/82PCyaNpYKRELJyTZg$m04qUAB8rexWDR4+/0f+SFB+4XMFxt7YAvAq2UycYos' } },
      { algorithm: 'argon2', hash: { value: '$argon2id$v=19$m=65536,t=4000000,p=1$J6Q/82PCyaNpYKRELJyTZg$m04qUAB8rexWDR4+/0f+SFB+4XMFxt7YAvAq2UycYos' } },
      { algorithm: 'pbkdf2', hash: { value: '$pbkdf2-sha512$i=100000,l=64$KNyFsA2rWoE' } },
      { algorithm: 'pbkdf2', hash: { value: DOCUMENTED[5][0].hash.value.replace('i=100000', 'i=2000000000') } },
      { algorithm: 'pbkdf2', hash: { value: DOCUMENTED[4][0].hash.value.replace('i=100000', 'i=5000000') } },
      { algorithm: 'pbkdf2', hash: { value: DOCUMENTED[5][0].hash.value.replace('l=64', 'l=32') } },
      { algorithm: 'pbkdf2', hash: { value: DOCUMENTED[5][0].hash.value.replace('KNyFsA2rWoE', 'KNyFsA2rWoE=') } },
      { ...DOCUMENTED[8][0], cost: 2 ** 30 },
      { ...DOCUMENTED[8][0], cost: 4095 },
      { ...DOCUMENTED[8][0], blockSize: 1_000_000 },
      { ...DOCUMENTED[8][0], parallelization: 1_000_000 },
      { ...DOCUMENTED[8][0], keylen: 64 },
      { algorithm: 'md5', hash: { value: 'not*base64', encoding: 'base64' } },
      { algorithm: 'md5', hash: { value: 'abc', encoding: 'hex' } },
      { algorithm: 'sha256', hash: { value: 'AbuUujgF0pPPkJPSFRTpmA==', encoding: 'base64' } },
      { algorithm: 'sha256', hash: { value: 'AbuUujgF0pPPkJPSFRTpmA==' } },
      { algorithm: 'ldap', hash: { value: '{SSHA384}/cgEjdoZh85Dhu' } },
      { algorithm: 'ldap', hash: { value: '{CRYPT}$1$abc$def' } },
      { algorithm: 'hmac', hash: { value: 'cg7f42jH39/2EaAU4wNd4s2lKIk=', encoding: 'base64', digest: 'sha1' } },
      { algorithm: 'hmac', hash: { value: 'cg7f42jH39/2EaAU4wNd4s2lKIk=', encoding: 'base64', digest: 'whirlpool', key: { value: 'k' } } },
      { algorithm: 'bcrypt', hash: { value: '$2b$10$C9hB01.YxRSTcn/ZOOo4j.TW7xCKKFKBSF.C7E0xiUwum' } },
      { algorithm: 'bcrypt', hash: { value: '$2b$31$C9hB01.YxRSTcn/ZOOo4j.TW7xCKKFKBSF.C7E0xiUwumqIDqWUXG' } },
      { algorithm: 'md4', hash: { value: 'AbuUujgF0pPPkJPSFRTpmA==', encoding: 'base64' }, extra: true },
      { algorithm: 'md4', hash: null },
      { algorithm: 'md4' },
      { algorithm: 'whirlpool', hash: { value: 'AbuUujgF0pPPkJPSFRTpmA==', encoding: 'base64' } },
      null,
      'shh',
      [],
    ];
    for (const format of malformed) assert.equal(await verifyCustom(format, 'shh'), false, JSON.stringify(format));
    const odd = [{ kind: 'bcrypt', value: '$2b$31$C9hB01.YxRSTcn/ZOOo4j.TW7xCKKFKBSF.C7E0xiUwumqIDqWUXG' }, { kind: 'bcrypt' }, { kind: 'sha1', value: 'x' }, {}, null];
    for (const hash of odd) assert.equal(await verifyImportedHash(hash as ImportedHash, 'shh'), false, JSON.stringify(hash));
    assert.equal(await verifyImportedHash({ kind: 'custom', format: DOCUMENTED[0][0] }, undefined as unknown as string), false);
    assert.ok(performance.now() - started < 3000, 'the refused costs were never run');
  });

  it('does not let a latin1 or ascii password collide through the low bytes of its characters', async () => {
    const format = { algorithm: 'md4', hash: { value: 'AbuUujgF0pPPkJPSFRTpmA==', encoding: 'base64' }, password: { encoding: 'latin1' } };
    assert.equal(await verifyCustom(format, 'shh'), true);
    assert.equal(await verifyCustom(format, '\u0173\u0168\u0168'), false, 'each character has a low byte of "shh"');
  });
});

describe('describeImportedHash', () => {
  it('labels each kind of hash', () => {
    const labels = [
      [{ kind: 'bcrypt', value: DOCUMENTED[2][0].hash.value }, 'bcrypt'],
      [{ kind: 'custom', format: DOCUMENTED[0][0] }, 'md4'],
      [{ kind: 'custom', format: DOCUMENTED[1][0] }, 'sha256-salted'],
      [{ kind: 'custom', format: DOCUMENTED[2][0] }, 'bcrypt'],
      [{ kind: 'custom', format: DOCUMENTED[3][0] }, 'argon2id'],
      [{ kind: 'custom', format: DOCUMENTED[4][0] }, 'pbkdf2-md4'],
      [{ kind: 'custom', format: DOCUMENTED[5][0] }, 'pbkdf2-sha512'],
      [{ kind: 'custom', format: { algorithm: 'pbkdf2', hash: { value: '$pbkdf2-sha256WithRSAEncryption$i=1$c2FsdA$AAAA' } } }, 'pbkdf2-sha256'],
      [{ kind: 'custom', format: DOCUMENTED[6][0] }, 'ldap-ssha384'],
      [{ kind: 'custom', format: DOCUMENTED[7][0] }, 'hmac-sha1'],
      [{ kind: 'custom', format: DOCUMENTED[8][0] }, 'scrypt'],
    ] as const;
    for (const [hash, label] of labels) {
      assert.equal(describeImportedHash(hash as ImportedHash), label);
    }
  });

  it('never echoes stored text it does not recognise', () => {
    const odd = [
      [{ algorithm: 'ldap', hash: { value: '{TOPSECRETVALUE}abc' } }, 'ldap'],
      [{ algorithm: 'pbkdf2', hash: { value: '$pbkdf2-hunter2$i=1$c2FsdA$AAAA' } }, 'pbkdf2'],
      [{ algorithm: 'hmac', hash: { value: 'x', digest: 'hunter2' } }, 'hmac'],
      [{ algorithm: 'hunter2', hash: { value: 'x' } }, 'unknown'],
      [null, 'unknown'],
    ] as const;
    for (const [format, label] of odd) assert.equal(describeImportedHash({ kind: 'custom', format } as unknown as ImportedHash), label);
  });
});
