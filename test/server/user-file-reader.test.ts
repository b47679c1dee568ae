import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { setImmediate } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import {
  readUserFile,
  UserFileFormatError,
  type ReadUserFileOptions,
  type UserFileRow,
} from '../../src/server/services/user-file-reader.js';

const BOM = '\uFEFF';

/** Pretty-printed with CRLF line ends, after a BOM and blank lines; rows of every JSON kind. */
const ARRAY_FILE =
  `${BOM} \r\n\r\n[\r\n` +
  '  {"email": "ada@example.com", "name": "Ada Lovelace", "user_metadata": {"langs": ["en", "fr"], "age": 36}},\r\n' +
  '  {"email": "zoë@example.com", "given_name": "Zoë 😀", "note": "tab\\tquote\\" slash\\/ \\u00e9 \\ud83d\\ude00"},\r\n' +
  '  [1, -0.5, 1e3, -0, true, false, null, {}, []],\r\n' +
  '  "just a string",\r\n' +
  '  42\r\n' +
  ']\r\n';

/** Blank and whitespace-only lines, CRLF and LF mixed, no newline after the last row. */
const NDJSON_FILE =
  `${BOM}\r\n` +
  '{"email":"ada@example.com","name":"Ada Lovelace","user_metadata":{"langs":["en","fr"]}}\r\n' +
  '\r\n' +
  '{"email":"zoë@example.com","given_name":"Zoë 😀","note":"tab\\tquote\\" \\u00e9"}\n' +
  '   \n' +
  '\t\r\n' +
  '[1,-0.5,1e3,true,null]\n' +
  '"just a string"\n' +
  '{"last":true}';

const ARRAY_VALUES = JSON.parse(ARRAY_FILE.slice(BOM.length)) as unknown[];
const NDJSON_VALUES = NDJSON_FILE.slice(BOM.length)
  .split(/\r?\n/)
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as unknown);

/** The chunks one by one, each in a later turn of the event loop, as a file read would give them. */
async function* chunksOf(...chunks: (string | Uint8Array)[]): AsyncGenerator<string | Uint8Array> {
  for (const chunk of chunks) {
    await setImmediate();
    yield chunk;
  }
}

/** Every byte its own chunk, so BOM, multi-byte characters and CRLF are all cut in two. */
function byteByByte(text: string): Uint8Array[] {
  return [...Buffer.from(text, 'utf8')].map((byte) => Uint8Array.of(byte));
}

/** The text as two strings, cut at each place in turn: some cuts fall inside a surrogate pair (the emoji). */
function everyCut(text: string): string[][] {
  return Array.from({ length: text.length + 1 }, (_, i) => [text.slice(0, i), text.slice(i)]);
}

async function readAll(chunks: (string | Uint8Array)[], options?: ReadUserFileOptions): Promise<UserFileRow[]> {
  const rows: UserFileRow[] = [];
  for await (const row of readUserFile(chunksOf(...chunks), options)) rows.push(row);
  return rows;
}

/** The rows read before the file was refused, and the error that refused it. */
async function readToError(
  chunks: (string | Uint8Array)[] | AsyncIterable<string | Uint8Array>,
  options?: ReadUserFileOptions,
): Promise<{ rows: UserFileRow[]; error: UserFileFormatError }> {
  const rows: UserFileRow[] = [];
  try {
    for await (const row of readUserFile(Array.isArray(chunks) ? chunksOf(...chunks) : chunks, options)) rows.push(row);
  } catch (error) {
    assert.ok(error instanceof UserFileFormatError, `a UserFileFormatError, not ${String(error)}`);
    return { rows, error };
  }
  assert.fail(`the file was accepted, with ${rows.length} rows`);
}

function indexed(values: unknown[], from = 0): UserFileRow[] {
  return values.map((value, i) => ({ index: from + i, value }));
}

describe('readUserFile', () => {
  // First, because the one-byte chunks of later tests leave V8 with slower code for stream-json's
  // parser, which would only slow this large read down.
  describe('memory', () => {
    const ROWS = 200_000;
    const MAX_GROWTH = 60 * 1024 * 1024;

    for (const shape of ['array', 'ndjson'] as const) {
      it(`${shape}: reads ${ROWS} users in bounded memory`, { timeout: 30_000 }, async () => {
        // Bytes for one shape and strings for the other: both kinds of chunk go through the same path.
        async function* file(): AsyncGenerator<string | Buffer> {
          if (shape === 'array') yield '[\n';
          for (let from = 0; from < ROWS; from += 150) {
            await setImmediate();
            const rows = generatedRows(shape, from, Math.min(150, ROWS - from), from > 0);
            yield shape === 'array' ? Buffer.from(rows) : rows;
          }
          if (shape === 'array') yield '\n]\n';
        }

        collectGarbage();
        const before = process.memoryUsage().heapUsed;
        let peak = 0;
        let count = 0;
        let last: unknown;
        for await (const row of readUserFile(Readable.from(file()))) {
          if (row.index !== count) assert.fail(`row ${count} came with index ${row.index}`);
          count++;
          last = row.value;
          if (count % 20_000 === 0) {
            collectGarbage();
            peak = Math.max(peak, process.memoryUsage().heapUsed - before);
          }
        }
        assert.equal(count, ROWS);
        assert.deepEqual(last, user(ROWS - 1));
        assert.ok(peak < MAX_GROWTH, `the heap grew by ${(peak / 2 ** 20).toFixed(1)} MiB while reading`);
      });
    }
  });

  describe('a JSON array', () => {
    it('yields each element with its index, past a BOM, blank lines and CRLF', async () => {
      assert.equal(ARRAY_VALUES.length, 5);
      assert.deepEqual(await readAll([ARRAY_FILE]), indexed(ARRAY_VALUES));
    });

    it('yields the same rows however the bytes are cut into chunks', async () => {
      assert.deepEqual(await readAll(byteByByte(ARRAY_FILE)), indexed(ARRAY_VALUES));
      for (const [i, chunks] of everyCut(ARRAY_FILE).entries()) {
        assert.deepEqual(await readAll(chunks), indexed(ARRAY_VALUES), `cut at ${i}`);
      }
    });

    it('reads an empty array as no rows', async () => {
      assert.deepEqual(await readAll(['  [ \n ]  \n']), []);
    });

    it('resumes at the row given by skip', async () => {
      assert.deepEqual(await readAll([ARRAY_FILE], { skip: 2 }), indexed(ARRAY_VALUES.slice(2), 2));
      assert.deepEqual(await readAll(byteByByte(ARRAY_FILE), { skip: 4 }), indexed(ARRAY_VALUES.slice(4), 4));
      assert.deepEqual(await readAll([ARRAY_FILE], { skip: 5 }), []);
    });
  });

  describe('newline-delimited JSON', () => {
    it('yields each line with its index, past a BOM, blank lines and CRLF', async () => {
      assert.equal(NDJSON_VALUES.length, 5);
      assert.deepEqual(await readAll([NDJSON_FILE]), indexed(NDJSON_VALUES));
    });

    it('yields the same rows however the bytes are cut into chunks', async () => {
      assert.deepEqual(await readAll(byteByByte(NDJSON_FILE)), indexed(NDJSON_VALUES));
      for (const [i, chunks] of everyCut(NDJSON_FILE).entries()) {
        assert.deepEqual(await readAll(chunks), indexed(NDJSON_VALUES), `cut at ${i}`);
      }
    });

    it('resumes at the row given by skip, blank lines not counting as rows', async () => {
      assert.deepEqual(await readAll([NDJSON_FILE], { skip: 2 }), indexed(NDJSON_VALUES.slice(2), 2));
      assert.deepEqual(await readAll(byteByByte(NDJSON_FILE), { skip: 4 }), indexed(NDJSON_VALUES.slice(4), 4));
      assert.deepEqual(await readAll([NDJSON_FILE], { skip: 5 }), []);
    });
  });

  it('keeps a "__proto__" key as an own property in both shapes, never as a prototype', async () => {
    const row = '{"__proto__": {"isAdmin": true}, "email": "mallory@example.com"}';
    for (const file of [`[${row}]`, `${row}\n`]) {
      const [first] = await readAll([file]);
      const value = first?.value as Record<string, unknown>;
      assert.equal(Object.getPrototypeOf(value), Object.prototype, file);
      assert.ok(Object.hasOwn(value, '__proto__'), file);
      assert.deepEqual(value.__proto__, { isAdmin: true });
      assert.equal(value.isAdmin, undefined, file);
    }
  });

  it('refuses options that cannot be right', () => {
    assert.throws(() => readUserFile(chunksOf('[]'), { skip: -1 }), RangeError);
    assert.throws(() => readUserFile(chunksOf('[]'), { skip: 1.5 }), RangeError);
    assert.throws(() => readUserFile(chunksOf('[]'), { maxRowBytes: 0 }), RangeError);
  });

  describe('a file of neither shape', () => {
    const cases: [string, string | Uint8Array, RegExp][] = [
      ['an empty file', '', /user file is empty/],
      ['a byte-order mark alone', BOM, /user file is empty/],
      ['only whitespace', ' \r\n\t\n', /nothing but whitespace/],
      ['a bare value', '\n  42', /starts with '4' at line 2, column 3 \(byte 3\)/],
      ['a string', '"users"', /starts with '"' at byte 0/],
      ['text', `${BOM}email,name\n`, /starts with 'e' at line 1, column 1 \(byte 3\)/],
      ['UTF-16', Buffer.from('\uFEFF[]', 'utf16le'), /starts with the byte 0xff at byte 0 \(user files must be UTF-8 text\)/],
      ['a broken byte-order mark', Uint8Array.of(0xef, 0xbb, 0x5b, 0x5d), /starts with the byte 0xef at byte 0/],
    ];
    for (const [name, file, message] of cases) {
      it(`refuses ${name}`, async () => {
        const { rows, error } = await readToError([file]);
        assert.deepEqual(rows, []);
        assert.match(error.message, message);
      });
    }
  });

  describe('a malformed file', () => {
    // [case, file, values of the rows read before the error, what the message must say]
    const cases: [string, string | Uint8Array, unknown[], RegExp][] = [
      [
        'array: a stray character between rows',
        '[{"a":1},{"b":2} x, {"c":3}]',
        [{ a: 1 }, { b: 2 }],
        /Invalid JSON in the user file at line 1, column 18 \(after row 1\): expected ','/,
      ],
      ['array: an error after blank lines and indentation', '\r\n\r\n  [1, x]', [1], /at line 3, column 7 \(after row 0\): expected a value/],
      [
        'array: a stray character inside a row',
        '[\n{"a":1},\n{"b":2x}\n]',
        [{ a: 1 }],
        /at line 3, column 7 \(in row 1\): expected ','/,
      ],
      ['array: two rows without a comma', '[{"a":1}{"b":2}]', [{ a: 1 }], /line 1, column 9 \(after row 0\): expected ','/],
      ['array: a trailing comma', '[1,2,]', [1, 2], /line 1, column 6 \(after row 1\): unexpected token '\]'/],
      ['array: a misspelt literal', '[true, nul, 3]', [true], /line 1, column 8 \(after row 0\): expected a value/],
      [
        'array: a bad escape',
        '["ok", "bad \\x escape"]',
        ['ok'],
        /line 1, column 13 \(in row 1\): a bad escape sequence or a control character/,
      ],
      ['array: not closed', '[{"a":1},\n{"b":2}\n', [{ a: 1 }, { b: 2 }], /ends at line 3, column 1 before its JSON array is closed \(after row 1\)/],
      ['array: cut off inside a row', '[{"a":1},{"b":[1,', [{ a: 1 }], /ends at line 1, column 18 before its JSON array is closed \(in row 1\)/],
      ['array: something after it', '[1,2]\n[3]', [1, 2], /at line 2, column 1 \(after the array's closing '\]'\): unexpected characters/],
      [
        'array: invalid UTF-8',
        Buffer.concat([Buffer.from('[{"a":1},{"b":"'), Uint8Array.of(0xc3, 0x28), Buffer.from('"}]')]),
        [{ a: 1 }],
        /Invalid UTF-8 in the user file at byte 15 \(in row 1\)/,
      ],
      [
        'array: a character cut off at the end',
        Buffer.concat([Buffer.from('[1,"'), Uint8Array.of(0xe2, 0x82)]),
        [1],
        /Invalid UTF-8 in the user file at byte 4 \(in row 1\)/,
      ],
      [
        'NDJSON: a broken line',
        '{"a":1}\n\n{"b":2}\r\n{"c":3,,}\n{"d":4}\n',
        [{ a: 1 }, { b: 2 }],
        /Invalid JSON in the user file at line 4, column 8 \(row 2, byte 25\): expected an object key/,
      ],
      ['NDJSON: two values on a line', '{"a":1}\n{"b":2} {"c":3}\n', [{ a: 1 }], /at line 2, column 9 \(row 1, byte 16\): unexpected characters/],
      [
        'NDJSON: a pretty-printed object',
        '{\n  "a": 1\n}\n',
        [],
        /Line 1 of the user file \(row 0, byte 0\) ends before its JSON value does; newline-delimited JSON needs each row whole on one line/,
      ],
      ['NDJSON: a last line cut off', '{"a":1}\n{"b":', [{ a: 1 }], /Line 2 of the user file \(row 1, byte 8\) ends before its JSON value does/],
      [
        'NDJSON: invalid UTF-8',
        Buffer.concat([Buffer.from('{"a":1}\n{"b":"'), Uint8Array.of(0xff), Buffer.from('"}\n')]),
        [{ a: 1 }],
        /Invalid UTF-8 in the user file at line 2 \(row 1, byte 14\)/,
      ],
    ];
    for (const [name, file, before, message] of cases) {
      it(`refuses ${name}, after yielding the rows before the error`, async () => {
        const { rows, error } = await readToError([file]);
        assert.deepEqual(rows, indexed(before));
        assert.match(error.message, message);
      });
    }

    it('reports an error past the rows it skips', async () => {
      const { rows, error } = await readToError(['[1,2,3,}'], { skip: 2 });
      assert.deepEqual(rows, [{ index: 2, value: 3 }]);
      assert.match(error.message, /column 8 \(after row 2\)/);
    });

    it('does not quote the broken line, which holds personal data', async () => {
      const { error } = await readToError(['{"email":"ada@example.com" "password":"hunter2"}\n']);
      assert.match(error.message, /line 1, column 28/);
      assert.doesNotMatch(error.message, /ada@example|hunter2/);
    });
  });

  describe('maxRowBytes', () => {
    it('array: takes a row of exactly the limit and refuses a larger one, by index', async () => {
      // The row counts as written compactly: not the whitespace in the file, but commas, colons and quotes.
      const fits = { a: [1, [true], {}], b: 'x' };
      const limit = JSON.stringify(fits).length;
      const file = '[ { "a" : [ 1 , [ true ] , { } ] ,\n "b" : "x" } ,\n {"a":[1,[true],{}],"b":"xy"}, 3]';
      const { rows, error } = await readToError([file], { maxRowBytes: limit });
      assert.deepEqual(rows, indexed([fits]));
      assert.equal(error.message, `Row 1 of the user file is larger than the limit of ${limit} bytes (maxRowBytes).`);
    });

    it('NDJSON: takes a line of exactly the limit and refuses a longer one, by line and index', async () => {
      const { rows, error } = await readToError(['{"a":"xxxxxxxx"}\r\n\n{"a":"xxxxxxxxx"}\n'], { maxRowBytes: 16 });
      assert.deepEqual(rows, indexed([{ a: 'xxxxxxxx' }]));
      assert.match(error.message, /^Line 3 of the user file \(row 1, byte 19\) is larger than the limit of 16 bytes/);
    });

    it('refuses a row of more than 1 MiB by default', async () => {
      const big = JSON.stringify({ email: 'big@example.com', blob: 'x'.repeat(1024 * 1024) });
      for (const file of [`[{"a":1},${big}]`, `{"a":1}\n${big}\n`]) {
        const { rows, error } = await readToError([file]);
        assert.deepEqual(rows, indexed([{ a: 1 }]));
        assert.match(error.message, /row 1.* larger than the limit of 1048576 bytes/i);
      }
      assert.equal((await readAll([`[${big}]`], { maxRowBytes: 2 * 1024 * 1024 })).length, 1);
    });

    // A 16 MiB string, key or number: the reader must give up at the limit, having read little more.
    const huge: [string, string, string][] = [
      ['a string in an array', '[{"a":1},{"email":"', '"}]'],
      ['a key in an array', '[{"a":1},{"', '":1}]'],
      ['a number in an array', '[{"a":1},{"n":1', '}]'],
      ['an NDJSON line', '{"a":1}\n{"email":"', '"}\n'],
    ];
    for (const [name, start, end] of huge) {
      it(`stops reading a huge row as soon as it is too large: ${name}`, async () => {
        let pulled = 0;
        let closed = false;
        async function* source(): AsyncGenerator<string> {
          try {
            yield start;
            const filler = (name.includes('number') ? '1' : 'x').repeat(64 * 1024);
            for (; pulled < 256; pulled++) {
              await setImmediate();
              yield filler;
            }
            yield end;
          } finally {
            closed = true;
          }
        }
        const { rows, error } = await readToError(source(), { maxRowBytes: 1024 * 1024 });
        assert.deepEqual(rows, indexed([{ a: 1 }]));
        assert.match(error.message, /row 1.* larger than the limit of 1048576 bytes/i);
        assert.ok(pulled <= 18, `read ${pulled} chunks of 64 KiB for a 1 MiB limit`);
        assert.ok(closed, 'the source is closed');
      });
    }
  });

  describe('streaming', () => {
    for (const shape of ['array', 'ndjson'] as const) {
      it(`${shape}: reads no further than the consumer, and closes the source when it stops`, async () => {
        let pulled = 0;
        async function* longFile(): AsyncGenerator<string> {
          if (shape === 'array') yield '[';
          for (; pulled < 1000; pulled++) {
            await setImmediate();
            yield generatedRows(shape, pulled * 100, 100, pulled > 0);
          }
          if (shape === 'array') yield ']';
        }
        const stream = Readable.from(longFile(), { objectMode: true, highWaterMark: 1 });
        const seen: number[] = [];
        for await (const row of readUserFile(stream)) {
          seen.push(row.index);
          if (seen.length === 150) break;
        }
        assert.deepEqual(seen, [...Array(150).keys()]);
        assert.ok(pulled <= 4, `pulled ${pulled} chunks of 100 rows to yield 150 rows`);
        assert.ok(stream.destroyed, 'the stream is destroyed');
      });
    }
  });
});

/** A realistic Auth0 import row. */
function user(i: number): Record<string, unknown> {
  return {
    user_id: `auth0|${i.toString(16).padStart(24, '0')}`,
    email: `user${i}@example.com`,
    email_verified: i % 3 !== 0,
    given_name: 'Ada',
    family_name: 'Lovelace',
    name: `Ada Lovelace ${i}`,
    created_at: '2023-05-01T12:00:00.000Z',
    user_metadata: { locale: 'en-GB', plan: i % 2 === 0 ? 'pro' : 'free' },
    app_metadata: { roles: ['member'] },
    custom_password_hash: {
      algorithm: 'bcrypt',
      hash: { value: `$2b$10$${i.toString(36).padStart(53, 'N')}` },
    },
  };
}

/** Rows `from` to `from + count - 1` as file text; `continued` when rows came before them. */
function generatedRows(shape: 'array' | 'ndjson', from: number, count: number, continued: boolean): string {
  let text = '';
  for (let i = from; i < from + count; i++) {
    const row = JSON.stringify(user(i));
    text += shape === 'ndjson' ? `${row}\n` : `${continued || i > from ? ',\n' : ''}${row}`;
  }
  return text;
}

let gc: (() => void) | undefined;

/** A full collection first, so that heapUsed counts what is kept alive, not garbage awaiting collection. */
function collectGarbage(): void {
  if (gc === undefined) {
    // The runner starts node without --expose-gc; a new context created after the flag has gc().
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}
