/**
 * The fast path of readUserFile for JSON arrays (a byte scanner that finds where each row ends and
 * hands the row's text to JSON.parse) against the stream-json reader it stands in for: the same
 * rows with the same indexes, and on a malformed file the same error, however the file is cut
 * into chunks.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import {
  readUserFile,
  readUserFileWithStreamJson,
  UserFileFormatError,
  type ReadUserFileOptions,
  type UserFileRow,
} from '../../src/server/services/user-file-reader.js';

interface Outcome {
  rows: UserFileRow[];
  error?: string;
}

async function* chunksOf(chunks: readonly (string | Uint8Array)[]): AsyncGenerator<string | Uint8Array> {
  for (const chunk of chunks) yield chunk;
  await Promise.resolve();
}

async function outcomeOf(rows: AsyncIterable<UserFileRow>): Promise<Outcome> {
  const read: UserFileRow[] = [];
  try {
    for await (const row of rows) read.push(row);
  } catch (error) {
    assert.ok(error instanceof UserFileFormatError, `a UserFileFormatError, not ${String(error)}`);
    return { rows: read, error: error.message };
  }
  return { rows: read };
}

/** What the fast path and the stream-json reader make of the same chunks; asserts they agree. */
async function bothAgree(chunks: readonly (string | Uint8Array)[], options?: ReadUserFileOptions): Promise<Outcome> {
  const fast = await outcomeOf(readUserFile(chunksOf(chunks), options));
  const reference = await outcomeOf(readUserFileWithStreamJson(chunksOf(chunks), options));
  assert.deepStrictEqual(fast, reference);
  return fast;
}

/** The bytes of `text` cut at the given places (in bytes, so multi-byte characters may be split). */
function cutBytes(text: string | Buffer, cuts: readonly number[]): Buffer[] {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const places = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let from = 0;
  for (const place of places) {
    pieces.push(bytes.subarray(from, place));
    from = place;
  }
  pieces.push(bytes.subarray(from));
  return pieces;
}

function byteByByte(text: string): Buffer[] {
  return [...Buffer.from(text, 'utf8')].map((byte) => Buffer.of(byte));
}

const TRICKY_ROWS = [
  { email: 'a@example.com', note: 'brackets ] } [ { inside a string' },
  { email: 'b@example.com', note: 'an escaped quote \\" and a backslash at the end \\' },
  { email: 'c@example.com', note: '"}]' },
  { email: 'zoë@example.com', given_name: 'Zoë 😀 日本語', user_metadata: { nested: [[{ deep: ['x'] }]], sep: '\u2028\u2029' } },
  [],
  {},
];

describe('readUserFile: the fast array scanner', () => {
  describe('agrees with the stream-json reader', () => {
    const pretty = `\uFEFF \r\n[\r\n${TRICKY_ROWS.map((row) => `  ${JSON.stringify(row, null, 1)}`).join(',\r\n')}\r\n]\r\n`;
    const compact = `[${TRICKY_ROWS.map((row) => JSON.stringify(row)).join(',')}]`;

    for (const [name, text] of [
      ['pretty-printed with a BOM and CRLF', pretty],
      ['compact, all rows on one line', compact],
    ] as const) {
      it(`${name}: in one chunk and byte by byte`, async () => {
        const whole = await bothAgree([text]);
        assert.equal(whole.error, undefined);
        assert.deepStrictEqual(
          whole.rows.map((row) => row.value),
          TRICKY_ROWS,
        );
        assert.deepStrictEqual(await bothAgree(byteByByte(text)), whole);
      });

      it(`${name}: cut in two at every byte`, async () => {
        const bytes = Buffer.from(text, 'utf8');
        const whole = await bothAgree([text]);
        for (let cut = 0; cut <= bytes.length; cut++) {
          assert.deepStrictEqual(await bothAgree(cutBytes(bytes, [cut])), whole, `cut at byte ${cut}`);
        }
      });
    }

    it('keeps a __proto__ key as data, as the stream-json reader does', async () => {
      const { rows } = await bothAgree(['[{"email":"a@example.com","__proto__":{"admin":true}}]']);
      const value = rows[0]?.value;
      assert.ok(typeof value === 'object' && value !== null);
      assert.ok(Object.hasOwn(value, '__proto__'));
      assert.equal(Object.getPrototypeOf(value), Object.prototype);
    });

    it('keeps lone surrogates as they are written', async () => {
      const { rows } = await bothAgree(['[{"name":"\\ud800 alone"},{"name":"\\udc00"}]']);
      assert.deepStrictEqual(
        rows.map((row) => row.value),
        [{ name: '\ud800 alone' }, { name: '\udc00' }],
      );
    });

    for (const [name, text, options] of [
      ['a bad row after good ones', '[{"a":1},\n {"b":2},\n {"c":x}]', undefined],
      ['a missing comma', '[{"a":1} {"b":2}]', undefined],
      ['a trailing comma', '[{"a":1},]', undefined],
      ['junk after the array', '[{"a":1}]\n x', undefined],
      ['a second array', '[{"a":1}][]', undefined],
      ['not closed', '[{"a":1},\n{"b":2}\n', undefined],
      ['ends inside a row', '[{"a":1},{"b":"still', undefined],
      ['ends inside a row after multi-byte text', '[{"a":"é😀"},{"b":"ë', undefined],
      ['a raw line feed inside a string', '[{"a":1},{"b":"two\nlines"}]', undefined],
      ['a bad escape', '[{"a":"\\x"}]', undefined],
      ['invalid UTF-8 in the second row', Buffer.concat([Buffer.from('[{"a":"é"},{"b":"'), Buffer.of(0xc3, 0x28), Buffer.from('"}]')]), undefined],
      ['a truncated character at the end', Buffer.concat([Buffer.from('[{"a":"'), Buffer.of(0xe6, 0x97)]), undefined],
      ['a row over maxRowBytes', '[{"a":"short"},{"b":"a longer row than allowed"}]', { maxRowBytes: 20 }],
      ['a row at maxRowBytes once its escapes are read', '[{"a":"\\u00e9\\u00e9\\u00e9\\u00e9"}]', { maxRowBytes: 12 }],
      ['a row nesting deeper than maxRowDepth', '[{"a":[[1]]},{"a":[[[1]]]}]', { maxRowDepth: 3 }],
      ['brackets in strings do not count towards depth', '[{"a":"[[[[[[{{{{{"}]', { maxRowDepth: 1 }],
      ['skipped rows are still checked', '[{"a":1},{"b":2,},{"c":3}]', { skip: 2 }],
      ['scalar rows go to stream-json', '[{"a":1}, 2, "three", {"d":4}, nul]', undefined],
      ['an empty array', ' [ ] ', undefined],
      ['an empty array not closed', '[  \n ', undefined],
    ] as const) {
      it(`${name}: the same rows and error, whole, byte by byte and cut at every byte`, async () => {
        const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
        const whole = await bothAgree([bytes], options);
        for (let cut = 0; cut <= bytes.length; cut++) {
          assert.deepStrictEqual(await bothAgree(cutBytes(bytes, [cut]), options), whole, `cut at byte ${cut}`);
        }
        assert.deepStrictEqual(await bothAgree([...bytes].map((byte) => Buffer.of(byte)), options), whole);
      });
    }
  });

  describe('property: any array, whitespace, damage and chunking', () => {
    const WHITESPACE = fc.constantFrom('', ' ', '\n', '\r\n', '\t', '\r', '  \n  ');
    const row = fc.oneof(
      { weight: 6, arbitrary: fc.dictionary(fc.string({ unit: 'binary', maxLength: 6 }), fc.jsonValue({ maxDepth: 4 }), { maxKeys: 5 }) },
      { weight: 2, arbitrary: fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 4 }) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
    );
    /** A user file: rows written compactly or indented, separated by random whitespace. */
    const file = fc
      .tuple(fc.array(fc.tuple(row, WHITESPACE, WHITESPACE, fc.boolean()), { maxLength: 8 }), WHITESPACE, WHITESPACE)
      .map(([rows, before, after]) => {
        const body = rows.map(([value, lead, trail, pretty]) => `${lead}${JSON.stringify(value, null, pretty ? 2 : 0)}${trail}`).join(',');
        return `${before}[${body}]${after}`;
      });
    /** Damage as a fuzzer does it: a byte changed, removed or put in, or the end cut off. */
    const damage = fc.oneof(
      fc.constant(undefined),
      fc.record({
        kind: fc.constantFrom('replace', 'remove', 'insert', 'truncate'),
        at: fc.nat(),
        byte: fc.constantFrom(0x22, 0x5c, 0x2c, 0x5b, 0x5d, 0x7b, 0x7d, 0x0a, 0x78, 0x00, 0xc3, 0xe6, 0x80, 0xff),
      }),
    );
    const options = fc.record(
      {
        skip: fc.nat({ max: 4 }),
        maxRowBytes: fc.integer({ min: 1, max: 200 }),
        maxRowDepth: fc.integer({ min: 1, max: 5 }),
      },
      { requiredKeys: [] },
    );

    it('the fast path gives what the stream-json reader gives', async () => {
      await fc.assert(
        fc.asyncProperty(file, damage, fc.array(fc.nat(), { maxLength: 4 }), options, async (text, harm, cuts, readOptions) => {
          let bytes = Buffer.from(text, 'utf8');
          if (harm && bytes.length > 0) {
            const at = harm.at % bytes.length;
            const byte = Buffer.of(harm.byte);
            if (harm.kind === 'replace') bytes = Buffer.concat([bytes.subarray(0, at), byte, bytes.subarray(at + 1)]);
            if (harm.kind === 'remove') bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
            if (harm.kind === 'insert') bytes = Buffer.concat([bytes.subarray(0, at), byte, bytes.subarray(at)]);
            if (harm.kind === 'truncate') bytes = bytes.subarray(0, at);
          }
          await bothAgree(cutBytes(bytes, cuts), readOptions);
        }),
        { numRuns: 1500 },
      );
    });
  });
});
