/**
 * Reads bulk user-import files row by row, as a stream and in bounded memory: a JSON array of user
 * objects (Auth0's import format) or newline-delimited JSON, one user per line (what our export
 * writes). Every row carries its position in the file, so an import that crashed can resume from
 * the first row it had not committed.
 */
import Assembler from 'stream-json/core/assembler.js';
import { jsonParser, type Token } from 'stream-json/core/parser.js';
import { jsonVerifier } from 'stream-json/core/utils/verifier.js';

import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-flaws.js';

export interface UserFileRow {
  /** 0-based position of the row in the file. */
  index: number;
  /** The parsed value; any JSON value (validating it is the importer's job). */
  value: unknown;
}

/** The file as a whole is not a JSON array or NDJSON; the message says where and what. */
export class UserFileFormatError extends Error {
  override name = 'UserFileFormatError';
}

export interface ReadUserFileOptions {
  /**
   * Rows with a smaller index are read past without being yielded: where a resumed import starts.
   * NDJSON lines before it are only counted; array rows before it are tokenized but not assembled.
   */
  skip?: number;
  /**
   * The largest row accepted, so that one enormous row cannot exhaust memory. NDJSON counts the
   * bytes of the line. A JSON array counts the row as written compactly, without insignificant
   * whitespace, in UTF-16 code units, with each escape sequence as the character it stands for:
   * bytes for plain ASCII, and never more than the row's UTF-8 bytes. Default 1 MiB.
   */
  maxRowBytes?: number;
  /**
   * How deep arrays and objects may nest in a row, the row itself being level 1, so that no row
   * can overflow the stack of code that handles it recursively (JSON.stringify of its metadata).
   * Default 256.
   */
  maxRowDepth?: number;
}

const DEFAULT_MAX_ROW_BYTES = 1024 * 1024;
/** Source chunks are handed on in pieces no larger than this, so one huge chunk cannot become a burst of rows. */
const PIECE_BYTES = 64 * 1024;
const BOM = [0xef, 0xbb, 0xbf] as const;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;
/**
 * stream-chain's `none`, which tells a stream-json stage that the input has ended. stream-chain is
 * stream-json's dependency rather than ours, and marks its protocol values with registered
 * symbols precisely so that code need not import it to speak it.
 */
const END_OF_INPUT = Symbol.for('object-stream.none');
/** What following one token of an array returns when it completes no row worth yielding. */
const NO_ROW = Symbol('no row');

interface FilePosition {
  line: number;
  column: number;
  byte: number;
}

/** A text position as stream-json's verifier reports it, 1-based, counted from where it started. */
interface VerifierFailure {
  /** Characters (UTF-16 code units) verified before the failure. */
  offset: number;
  line: number;
  pos: number;
  /** What it expected, without the verifier's prefix. */
  reason: string;
}

interface RowReader {
  write(bytes: Buffer): Generator<UserFileRow, void, undefined>;
  end(): Generator<UserFileRow, void, undefined>;
}

/**
 * The rows of a user file, in order. The shape is told by the first character after an optional
 * UTF-8 byte-order mark and whitespace: `[` for a JSON array, `{` for NDJSON. Reading pauses while
 * the consumer does; leaving the loop early closes the source. A file that is neither shape, not
 * valid JSON or UTF-8, or has a row over maxRowBytes ends the iteration with a UserFileFormatError,
 * after every row before the problem. Throws RangeError at once for options out of range.
 */
export function readUserFile(
  source: NodeJS.ReadableStream | AsyncIterable<Uint8Array | string>,
  options: ReadUserFileOptions = {},
): AsyncIterable<UserFileRow> {
  const skip = options.skip ?? 0;
  const maxRowBytes = options.maxRowBytes ?? DEFAULT_MAX_ROW_BYTES;
  const maxRowDepth = options.maxRowDepth ?? MAX_JSON_DEPTH;
  if (!Number.isSafeInteger(skip) || skip < 0) throw new RangeError(`skip must be a whole number ≥ 0, not ${skip}`);
  if (!Number.isSafeInteger(maxRowBytes) || maxRowBytes < 1) {
    throw new RangeError(`maxRowBytes must be a whole number ≥ 1, not ${maxRowBytes}`);
  }
  if (!Number.isSafeInteger(maxRowDepth) || maxRowDepth < 1) {
    throw new RangeError(`maxRowDepth must be a whole number ≥ 1, not ${maxRowDepth}`);
  }
  return readRows(source, skip, { maxRowBytes, maxRowDepth }, true);
}

/**
 * readUserFile with every JSON array read by stream-json alone, without the fast scanner: the
 * reference the fast path must agree with, row for row and error for error. For tests.
 */
export function readUserFileWithStreamJson(
  source: AsyncIterable<Uint8Array | string>,
  options: ReadUserFileOptions = {},
): AsyncIterable<UserFileRow> {
  return readRows(
    source,
    options.skip ?? 0,
    { maxRowBytes: options.maxRowBytes ?? DEFAULT_MAX_ROW_BYTES, maxRowDepth: options.maxRowDepth ?? MAX_JSON_DEPTH },
    false,
  );
}

/** The bounds every row is held to. */
interface RowLimits {
  maxRowBytes: number;
  maxRowDepth: number;
}

async function* readRows(
  source: AsyncIterable<unknown>,
  skip: number,
  limits: RowLimits,
  fast: boolean,
): AsyncGenerator<UserFileRow, void, undefined> {
  const preamble = new Preamble();
  let reader: RowReader | undefined;
  for await (const chunk of bytesOf(source)) {
    for (let from = 0; from < chunk.length; from += PIECE_BYTES) {
      let piece = chunk.subarray(from, from + PIECE_BYTES);
      if (reader === undefined) {
        const start = preamble.skipOver(piece);
        if (start === piece.length) continue;
        reader = preamble.readerFor(piece[start], skip, limits, fast);
        piece = piece.subarray(start);
      }
      for (const row of reader.write(piece)) yield row;
    }
  }
  if (reader === undefined) throw preamble.emptyFileError();
  for (const row of reader.end()) yield row;
}

/** The source's chunks as bytes. Strings are encoded as UTF-8, even a surrogate pair split across two of them. */
async function* bytesOf(source: AsyncIterable<unknown>): AsyncGenerator<Buffer, void, undefined> {
  let heldSurrogate = '';
  for await (const chunk of source) {
    if (typeof chunk === 'string') {
      let text = heldSurrogate + chunk;
      heldSurrogate = '';
      if (isHighSurrogate(text.charCodeAt(text.length - 1))) {
        heldSurrogate = text.slice(-1);
        text = text.slice(0, -1);
      }
      yield Buffer.from(text, 'utf8');
    } else if (chunk instanceof Uint8Array) {
      yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    } else {
      throw new TypeError(`readUserFile reads bytes or strings, but the source gave ${typeof chunk}`);
    }
  }
  if (heldSurrogate !== '') yield Buffer.from(heldSurrogate, 'utf8');
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** The byte-order mark and whitespace before the first significant byte, which decides the shape. */
class Preamble {
  private bytes = 0;
  private bomBytes = 0;
  private line = 1;
  private column = 1;

  /** Index of the first significant byte in `piece`, or its length if there is none yet. */
  skipOver(piece: Buffer): number {
    for (let i = 0; i < piece.length; i++) {
      const byte = piece[i];
      if (this.bytes < BOM.length && this.bomBytes === this.bytes && byte === BOM[this.bytes]) {
        this.bomBytes++;
      } else if (this.bomBytes > 0 && this.bomBytes < BOM.length) {
        // The start of a byte-order mark that does not go on is no mark but a stray byte.
        throw this.wrongStartError(BOM[0], 0);
      } else if (byte === LINE_FEED) {
        this.line++;
        this.column = 1;
      } else if (byte === 0x20 || byte === 0x09 || byte === CARRIAGE_RETURN) {
        this.column++;
      } else {
        return i;
      }
      this.bytes++;
    }
    return piece.length;
  }

  readerFor(first: number | undefined, skip: number, limits: RowLimits, fast: boolean): RowReader {
    if (first === 0x5b) {
      const start = { line: this.line, column: this.column, byte: this.bytes };
      return fast ? new FastArrayReader(start, skip, limits) : new ArrayReader(start, skip, limits);
    }
    if (first === 0x7b) return new NdjsonReader(this.line, this.bytes, skip, limits);
    throw this.wrongStartError(first, this.bytes);
  }

  emptyFileError(): UserFileFormatError {
    if (this.bomBytes > 0 && this.bomBytes < BOM.length) return this.wrongStartError(BOM[0], 0);
    const what = this.bytes > this.bomBytes ? 'holds nothing but whitespace' : 'is empty';
    return new UserFileFormatError(`The user file ${what}: expected a JSON array or newline-delimited JSON.`);
  }

  private wrongStartError(byte: number | undefined, offset: number): UserFileFormatError {
    const printable = byte !== undefined && byte > 0x20 && byte < 0x7f;
    const found = printable ? `'${String.fromCharCode(byte)}'` : `the byte 0x${(byte ?? 0).toString(16).padStart(2, '0')}`;
    const where = offset === 0 ? 'byte 0' : `line ${this.line}, column ${this.column} (byte ${offset})`;
    const hint = printable ? '' : ' (user files must be UTF-8 text)';
    return new UserFileFormatError(
      `The user file must be a JSON array, starting with '[', or newline-delimited JSON, starting with '{'; ` +
        `it starts with ${found} at ${where}${hint}.`,
    );
  }
}

/**
 * A JSON array streamed through stream-json. Its verifier checks each piece before the parser sees
 * it: the verifier knows exactly where a syntax error is, so the parser is given only the text
 * before it, and every row that is whole before the error is still yielded.
 */
class ArrayReader implements RowReader {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  private readonly verify = jsonVerifier();
  // Packed tokens (stringValue, numberValue...) feed the assembler; streamed chunks let a long
  // string count against maxRowBytes before it has been read to its end.
  private readonly parse = jsonParser({ packValues: true, streamValues: true });
  private readonly assembler = new Assembler();
  /** The bytes of a character cut in two by the end of the last piece. */
  private carry = Buffer.alloc(0);
  /** File offset of the first byte not decoded yet. */
  private decodedUpTo: number;
  private charsVerified = 0;
  private opened = false;
  private closed = false;
  /** Index of the row being read, or of the next one. */
  private row = 0;
  private inRow = false;
  private depth = 0;
  private rowSize = 0;
  private needsComma = false;

  private readonly maxRowBytes: number;
  private readonly maxRowDepth: number;

  constructor(
    private readonly start: FilePosition,
    private readonly skip: number,
    limits: RowLimits,
  ) {
    this.decodedUpTo = start.byte;
    this.maxRowBytes = limits.maxRowBytes;
    this.maxRowDepth = limits.maxRowDepth;
  }

  /**
   * Takes over from the fast reader in the middle of the array: `prefix` is text that brings the
   * verifier and parser to the state the file is in at `start` (an opening '[' and a stand-in for
   * the rows before), and `row` the index the stand-in row has. `start.column` must be the column
   * of the prefix's first character, so that positions past it come out as the file's own.
   */
  *resume(prefix: string, row: number): Generator<UserFileRow, void, undefined> {
    this.row = row;
    yield* this.feed(prefix);
  }

  *write(bytes: Buffer): Generator<UserFileRow, void, undefined> {
    const all = this.carry.length === 0 ? bytes : Buffer.concat([this.carry, bytes]);
    const whole = wholeUtf8Length(all);
    this.carry = Buffer.from(all.subarray(whole));
    yield* this.decodeAndFeed(all.subarray(0, whole));
  }

  *end(): Generator<UserFileRow, void, undefined> {
    // A character still cut in two at the end of the file fails to decode here.
    yield* this.decodeAndFeed(this.carry);
    try {
      (this.verify as unknown as (input: symbol) => unknown)(END_OF_INPUT);
    } catch (error) {
      throw this.syntaxError(verifierFailure(error), true);
    }
    // The verifier accepts the end only after a closing ']', which the parser has then seen too.
    if (!this.closed) throw new UserFileFormatError(`The user file ends before its JSON array is closed (${this.context()}).`);
  }

  private *decodeAndFeed(bytes: Buffer): Generator<UserFileRow, void, undefined> {
    let text: string;
    try {
      text = this.decoder.decode(bytes);
    } catch {
      const valid = validUtf8Prefix(bytes);
      yield* this.feed(valid);
      const at = this.decodedUpTo + Buffer.byteLength(valid);
      return this.fail(`Invalid UTF-8 in the user file at byte ${at} (${this.context()}).`);
    }
    yield* this.feed(text);
    this.decodedUpTo += bytes.length;
  }

  private *feed(text: string): Generator<UserFileRow, void, undefined> {
    if (text === '') return;
    try {
      this.verify(text);
    } catch (error) {
      const failure = verifierFailure(error);
      const valid = failure.offset - this.charsVerified;
      if (valid > 0) yield* this.rowsOf(text.slice(0, valid));
      throw this.syntaxError(failure, false);
    }
    this.charsVerified += text.length;
    yield* this.rowsOf(text);
  }

  private *rowsOf(text: string): Generator<UserFileRow, void, undefined> {
    // The tokens are followed in a plain loop, which is quicker than yielding from inside it; the
    // rows it completed before a failure still go out first.
    const rows: UserFileRow[] = [];
    try {
      for (const token of this.tokensOf(text)) {
        const row = this.take(token);
        if (row !== NO_ROW) rows.push(row);
      }
    } catch (error) {
      yield* rows;
      throw error;
    }
    yield* rows;
  }

  private tokensOf(text: string): readonly Token[] {
    try {
      const tokens = this.parse(text);
      return typeof tokens === 'symbol' ? [] : tokens.values;
    } catch (error) {
      // Only if stream-json's parser and verifier disagree, as the verifier has passed this text.
      return this.fail(`The user file is not valid JSON (${this.context()}): ${messageOf(error)}.`);
    }
  }

  /** Follows one token; returns the row it completes, if it completes one that is not skipped. */
  private take(token: Token): UserFileRow | typeof NO_ROW {
    if (!this.opened) {
      this.opened = true; // the '[' the preamble saw
      return NO_ROW;
    }
    if (!this.inRow) {
      if (token.name === 'endArray') {
        this.closed = true;
        return NO_ROW;
      }
      this.inRow = true;
      this.rowSize = 0;
      this.needsComma = false;
    }
    // Only rows to be yielded are assembled; rowSize adds up the row as written compactly, with
    // punctuation counted here and text through the streamed chunks.
    const assembler = this.row >= this.skip ? this.assembler : undefined;
    let complete = false;
    switch (token.name) {
      case 'startObject':
        assembler?.startObject();
        this.opening();
        break;
      case 'startArray':
        assembler?.startArray();
        this.opening();
        break;
      case 'endObject':
        assembler?.endObject();
        complete = this.closing();
        break;
      case 'endArray':
        assembler?.endArray();
        complete = this.closing();
        break;
      case 'keyValue':
        assembler?.keyValue(token.value);
        break;
      case 'startKey':
      case 'startString':
        this.rowSize += this.needsComma ? 2 : 1;
        this.needsComma = false;
        break;
      case 'endKey':
        this.rowSize += 2; // closing quote and colon
        break;
      case 'endString':
        this.rowSize += 1;
        this.needsComma = true;
        break;
      case 'startNumber':
        if (this.needsComma) this.rowSize += 1;
        this.needsComma = false;
        break;
      case 'endNumber':
        this.needsComma = true;
        break;
      case 'stringChunk':
      case 'numberChunk':
        this.rowSize += token.value.length;
        break;
      case 'stringValue':
        assembler?.stringValue(token.value);
        complete = this.depth === 0;
        break;
      case 'numberValue':
        assembler?.numberValue(token.value);
        complete = this.depth === 0;
        break;
      case 'nullValue':
      case 'trueValue':
      case 'falseValue':
        assembler?.[token.name]();
        this.rowSize += (this.needsComma ? 1 : 0) + (token.name === 'falseValue' ? 5 : 4);
        this.needsComma = true;
        complete = this.depth === 0;
        break;
      default:
        break;
    }
    if (this.rowSize > this.maxRowBytes) {
      this.fail(`Row ${this.row} of the user file is larger than the limit of ${this.maxRowBytes} bytes (maxRowBytes).`);
    }
    if (!complete) return NO_ROW;

    const index = this.row++;
    this.inRow = false;
    return index >= this.skip ? { index, value: this.assembler.current } : NO_ROW;
  }

  private opening(): void {
    this.rowSize += this.needsComma ? 2 : 1;
    this.needsComma = false;
    if (++this.depth > this.maxRowDepth) {
      this.fail(`Row ${this.row} of the user file nests deeper than the limit of ${this.maxRowDepth} levels (maxRowDepth).`);
    }
  }

  /** Whether the container that closes is the row itself. */
  private closing(): boolean {
    this.rowSize += 1;
    this.needsComma = true;
    return --this.depth === 0;
  }

  private syntaxError(failure: VerifierFailure, atEnd: boolean): UserFileFormatError {
    const line = this.start.line + failure.line - 1;
    const column = failure.line === 1 ? this.start.column + failure.pos - 1 : failure.pos;
    const where = `line ${line}, column ${column}`;
    if (atEnd && failure.offset >= this.charsVerified) {
      return new UserFileFormatError(`The user file ends at ${where} before its JSON array is closed (${this.context()}).`);
    }
    return new UserFileFormatError(`Invalid JSON in the user file at ${where} (${this.context()}): ${failure.reason}.`);
  }

  private context(): string {
    if (this.closed) return "after the array's closing ']'";
    if (this.inRow) return `in row ${this.row}`;
    return this.row === 0 ? 'before the first row' : `after row ${this.row - 1}`;
  }

  private fail(message: string): never {
    throw new UserFileFormatError(message);
  }
}

/** Where the fast reader is between rows: what the next significant byte may be. */
type ArrayGap = 'open' | 'afterRow' | 'afterComma' | 'closed';

/** A place between rows from which the stream-json reader can take over, and its state there. */
interface ArrayMark extends FilePosition {
  gap: ArrayGap;
  /** Rows complete before it. */
  rows: number;
}

/** scanRow's answers other than the index after the row's last byte. */
const ROW_GOES_ON = -1;
const ROW_TOO_DEEP = -2;

/** Line breaks as stream-json's verifier counts them: a CRLF is one. */
const LINE_BREAKS = /\r\n|[\n\r\u2028\u2029]/g;

/**
 * A JSON array read quickly: a byte scanner follows strings, escapes and bracket depth to find
 * where each row (an object or array) ends, and `JSON.parse` reads the row's text. It checks only
 * what it can be sure of: the punctuation between rows, the depth limit, and that the row decodes
 * and parses; a row that is small enough in bytes is small enough for maxRowBytes too, whose
 * compact UTF-16 count is never larger. At anything else (a row over the limit in bytes or too
 * deep, bad UTF-8 or JSON, a row that is not an object or array, a file that ends early), the
 * stream-json reader takes over from the last place between rows, with the rows before it counted,
 * so every row it yields and every error it raises, with its line, column and byte, is the one the
 * stream-json reader would have given for the whole file.
 */
class FastArrayReader implements RowReader {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  /** The stream-json reader, once it has taken over. */
  private slow: ArrayReader | undefined;
  private opened = false;
  private gap: ArrayGap | 'row' = 'open';
  private rows = 0;
  /** File offset of the current piece's first byte. */
  private pieceStart: number;
  /** Line and column (UTF-16 code units, as the verifier counts) of the next byte between rows. */
  private line: number;
  private column: number;
  private afterCarriageReturn = false;
  private mark: ArrayMark;
  /** The bytes from the mark to the start of the current piece, for the stream-json reader to read again. */
  private held: Buffer[] = [];
  /** The row being scanned: where it started, its bytes so far, and the scanner's state. */
  private rowLine = 0;
  private rowColumn = 0;
  private rowParts: Buffer[] = [];
  private rowBytes = 0;
  /** CRLFs the row has across piece ends, which the verifier counts twice; whether its bytes so far end in a CR. */
  private rowSplitBreaks = 0;
  private rowEndsInCarriageReturn = false;
  private depth = 0;
  private inString = false;
  private escaped = false;

  private readonly maxRowBytes: number;
  private readonly maxRowDepth: number;

  constructor(
    start: FilePosition,
    private readonly skip: number,
    private readonly limits: RowLimits,
  ) {
    this.pieceStart = start.byte;
    this.line = start.line;
    this.column = start.column;
    this.mark = { ...start, gap: 'open', rows: 0 };
    this.maxRowBytes = limits.maxRowBytes;
    this.maxRowDepth = limits.maxRowDepth;
  }

  *write(bytes: Buffer): Generator<UserFileRow, void, undefined> {
    if (this.slow) return yield* this.slow.write(bytes);
    // The verifier counts a CRLF cut in two by the end of a piece as two line breaks: so do we.
    this.afterCarriageReturn = false;
    let i = 0;
    if (!this.opened) {
      // The '[' the preamble saw.
      this.opened = true;
      this.column++;
      i = 1;
      this.setMark(i);
    }
    /** Where this piece's bytes after the mark begin: the mark is at `i` or before this piece. */
    let heldFrom = i;
    const length = bytes.length;
    while (i < length) {
      if (this.gap === 'row') {
        const from = i;
        if (from === 0 && this.rowEndsInCarriageReturn && bytes[0] === LINE_FEED) this.rowSplitBreaks++;
        const end = this.scanRow(bytes, from);
        const rowBytes = this.rowBytes + (end < 0 ? length : end) - from;
        if (end === ROW_TOO_DEEP || rowBytes > this.maxRowBytes) return yield* this.fallBack(bytes, heldFrom);
        if (end === ROW_GOES_ON) {
          this.rowParts.push(bytes.subarray(from));
          this.rowBytes = rowBytes;
          this.rowEndsInCarriageReturn = bytes[length - 1] === CARRIAGE_RETURN;
          break;
        }
        const parts = this.rowParts;
        const rowText = parts.length === 0 ? bytes.subarray(from, end) : Buffer.concat([...parts, bytes.subarray(from, end)]);
        let value: unknown;
        let text: string;
        try {
          text = this.decoder.decode(rowText);
          value = JSON.parse(text);
        } catch {
          return yield* this.fallBack(bytes, heldFrom);
        }
        this.rowParts = [];
        this.rowBytes = 0;
        this.passRow(text);
        const index = this.rows++;
        this.gap = 'afterRow';
        i = end;
        heldFrom = this.setMark(i);
        if (index >= this.skip) yield { index, value };
        continue;
      }
      const byte = bytes[i];
      if (byte === 0x20 || byte === 0x09) {
        this.column++;
        this.afterCarriageReturn = false;
      } else if (byte === LINE_FEED) {
        if (!this.afterCarriageReturn) this.line++;
        this.column = 1;
        this.afterCarriageReturn = false;
      } else if (byte === CARRIAGE_RETURN) {
        this.line++;
        this.column = 1;
        this.afterCarriageReturn = true;
      } else if (byte === 0x2c && this.gap === 'afterRow') {
        this.gap = 'afterComma';
        this.column++;
        this.afterCarriageReturn = false;
        heldFrom = this.setMark(i + 1);
      } else if (byte === 0x5d && (this.gap === 'afterRow' || this.gap === 'open')) {
        this.gap = 'closed';
        this.column++;
        this.afterCarriageReturn = false;
        heldFrom = this.setMark(i + 1);
      } else if ((byte === 0x7b || byte === 0x5b) && (this.gap === 'open' || this.gap === 'afterComma')) {
        this.gap = 'row';
        this.rowLine = this.line;
        this.rowColumn = this.column;
        this.rowSplitBreaks = 0;
        this.rowEndsInCarriageReturn = false;
        this.depth = 0;
        this.inString = false;
        this.escaped = false;
        continue; // the scanner reads the opening byte
      } else {
        return yield* this.fallBack(bytes, heldFrom);
      }
      i++;
    }
    if (this.gap === 'row') {
      if (heldFrom < length) this.held.push(bytes.subarray(heldFrom));
    } else {
      // Nothing but whitespace since the mark: move it here, so that held bytes stay bounded.
      this.setMark(length);
    }
    this.pieceStart += length;
  }

  *end(): Generator<UserFileRow, void, undefined> {
    if (!this.slow) {
      if (this.gap === 'closed') return;
      // The file ends before the array does: the stream-json reader words that.
      const empty = Buffer.alloc(0);
      yield* this.fallBack(empty, 0);
    }
    if (this.slow) yield* this.slow.end();
  }

  /** Follows one row from `from` on; the index after its last byte, or ROW_GOES_ON or ROW_TOO_DEEP. */
  private scanRow(bytes: Buffer, from: number): number {
    let depth = this.depth;
    let inString = this.inString;
    let escaped = this.escaped;
    const maxDepth = this.maxRowDepth;
    const length = bytes.length;
    for (let i = from; i < length; i++) {
      const byte = bytes[i];
      if (inString) {
        if (escaped) escaped = false;
        else if (byte === 0x5c) escaped = true;
        else if (byte === 0x22) inString = false;
      } else if (byte === 0x22) {
        inString = true;
      } else if (byte === 0x7b || byte === 0x5b) {
        if (++depth > maxDepth) return ROW_TOO_DEEP;
      } else if ((byte === 0x7d || byte === 0x5d) && --depth === 0) {
        return i + 1;
      }
    }
    this.depth = depth;
    this.inString = inString;
    this.escaped = escaped;
    return ROW_GOES_ON;
  }

  /** Moves the line and column past a row, counting line breaks as the verifier does. */
  private passRow(text: string): void {
    this.afterCarriageReturn = false;
    // Four searches for one character are quicker than one search for a class of them.
    if (text.indexOf('\n') < 0 && text.indexOf('\r') < 0 && text.indexOf('\u2028') < 0 && text.indexOf('\u2029') < 0) {
      this.line = this.rowLine;
      this.column = this.rowColumn + text.length;
      return;
    }
    let lines = this.rowSplitBreaks;
    let lastEnd = 0;
    for (const match of text.matchAll(LINE_BREAKS)) {
      lines++;
      lastEnd = match.index + match[0].length;
    }
    this.line = this.rowLine + lines;
    this.column = 1 + text.length - lastEnd;
  }

  /** Marks the piece's byte `at` as the place to take over from; returns `at`, where held bytes now begin. */
  private setMark(at: number): number {
    this.held = [];
    if (this.gap !== 'row') this.mark = { line: this.line, column: this.column, byte: this.pieceStart + at, gap: this.gap, rows: this.rows };
    return at;
  }

  /** Hands the file to the stream-json reader from the mark on, and reads what has come since. */
  private *fallBack(bytes: Buffer, heldFrom: number): Generator<UserFileRow, void, undefined> {
    const { gap, rows, line, column, byte } = this.mark;
    // Text that leaves the verifier and parser as the file leaves them at the mark: the '[' and,
    // for the rows before, one stand-in row that is counted but not yielded.
    const prefix = gap === 'open' ? '[' : gap === 'afterRow' ? '[{}' : gap === 'afterComma' ? '[{},' : rows === 0 ? '[]' : '[{}]';
    const slow = new ArrayReader({ line, column: column - prefix.length, byte }, Math.max(this.skip, rows), this.limits);
    this.slow = slow;
    yield* slow.resume(prefix, rows === 0 ? 0 : rows - 1);
    // Piece by piece as they came, so that the verifier sees the same pieces as it would have.
    const replay = [...this.held, bytes.subarray(heldFrom)];
    this.held = [];
    this.rowParts = [];
    for (const piece of replay) yield* slow.write(piece);
  }
}

/**
 * Newline-delimited JSON, split at line feeds on the bytes (a UTF-8 byte 0x0a is always a line
 * feed), so byte offsets are exact and an over-long line is refused before it has been gathered.
 */
class NdjsonReader implements RowReader {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  /** The start of the current line, read so far. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private row = 0;
  private readonly maxRowBytes: number;
  private readonly maxRowDepth: number;

  constructor(
    private line: number,
    private lineStart: number,
    private readonly skip: number,
    limits: RowLimits,
  ) {
    this.maxRowBytes = limits.maxRowBytes;
    this.maxRowDepth = limits.maxRowDepth;
  }

  *write(bytes: Buffer): Generator<UserFileRow, void, undefined> {
    let from = 0;
    for (let newline = bytes.indexOf(LINE_FEED); newline !== -1; newline = bytes.indexOf(LINE_FEED, from)) {
      const row = this.takeLine(this.gather(bytes.subarray(from, newline)));
      if (row !== undefined) yield row;
      from = newline + 1;
    }
    if (from === bytes.length) return;
    this.pending.push(bytes.subarray(from));
    this.pendingBytes += bytes.length - from;
    // One byte more than the limit may still be the CR of a CRLF.
    if (this.pendingBytes > this.maxRowBytes + 1) throw this.tooLargeError();
  }

  *end(): Generator<UserFileRow, void, undefined> {
    if (this.pendingBytes === 0) return;
    const row = this.takeLine(this.gather(Buffer.alloc(0)));
    if (row !== undefined) yield row;
  }

  private gather(rest: Buffer): Buffer {
    if (this.pending.length === 0) return rest;
    const line = Buffer.concat([...this.pending, rest]);
    this.pending = [];
    this.pendingBytes = 0;
    return line;
  }

  /** The row on one line (its line feed taken off), or undefined for a blank or skipped line. */
  private takeLine(bytes: Buffer): UserFileRow | undefined {
    const length = bytes.length > 0 && bytes[bytes.length - 1] === CARRIAGE_RETURN ? bytes.length - 1 : bytes.length;
    try {
      if (length > this.maxRowBytes) throw this.tooLargeError();
      if (isBlank(bytes, length)) return undefined;
      const index = this.row++;
      // Rows before `skip` were parsed by the run being resumed; counting them is enough.
      if (index < this.skip) return undefined;
      const value = this.parseLine(bytes.subarray(0, length), index);
      if (nestsDeeperThan(value, this.maxRowDepth)) {
        this.fail(`Row ${index} of the user file (line ${this.line}) nests deeper than the limit of ${this.maxRowDepth} levels (maxRowDepth).`);
      }
      return { index, value };
    } finally {
      this.lineStart += bytes.length + 1;
      this.line++;
    }
  }

  private parseLine(bytes: Buffer, index: number): unknown {
    let text: string;
    try {
      text = this.decoder.decode(bytes);
    } catch {
      const at = this.lineStart + Buffer.byteLength(validUtf8Prefix(bytes));
      return this.fail(`Invalid UTF-8 in the user file at line ${this.line} (row ${index}, byte ${at}).`);
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // JSON.parse's own message may quote the line, which holds personal data; the verifier's does not.
      const failure = verify(text);
      if (failure === undefined) {
        return this.fail(`Invalid JSON in the user file at line ${this.line} (row ${index}, byte ${this.lineStart}).`);
      }
      if (failure.offset >= text.length) {
        return this.fail(
          `Line ${this.line} of the user file (row ${index}, byte ${this.lineStart}) ends before its JSON value does; ` +
            'newline-delimited JSON needs each row whole on one line.',
        );
      }
      const column = failure.line === 1 ? `, column ${failure.pos}` : '';
      const at = this.lineStart + Buffer.byteLength(text.slice(0, failure.offset));
      return this.fail(`Invalid JSON in the user file at line ${this.line}${column} (row ${index}, byte ${at}): ${failure.reason}.`);
    }
  }

  private tooLargeError(): UserFileFormatError {
    return new UserFileFormatError(
      `Line ${this.line} of the user file (row ${this.row}, byte ${this.lineStart}) is larger than the limit of ` +
        `${this.maxRowBytes} bytes (maxRowBytes).`,
    );
  }

  private fail(message: string): never {
    throw new UserFileFormatError(message);
  }
}

function isBlank(bytes: Buffer, length: number): boolean {
  for (let i = 0; i < length; i++) {
    const byte = bytes[i];
    if (byte !== 0x20 && byte !== 0x09 && byte !== CARRIAGE_RETURN) return false;
  }
  return true;
}

/** How many of `bytes` make whole UTF-8 characters, leaving out one cut off at the end. */
function wholeUtf8Length(bytes: Buffer): number {
  // The last character's lead byte is at most three continuation bytes back.
  for (let i = bytes.length - 1; i >= 0 && i >= bytes.length - 4; i--) {
    const byte = bytes[i] ?? 0;
    if ((byte & 0xc0) === 0x80) continue;
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return i + length > bytes.length ? i : bytes.length;
  }
  // Nothing but continuation bytes: not UTF-8, which the decoder will tell.
  return bytes.length;
}

/** The text of `bytes` before their first invalid UTF-8 sequence; only for telling where it is. */
function validUtf8Prefix(bytes: Buffer): string {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let text = '';
  for (let i = 0; i < bytes.length; i++) {
    try {
      text += decoder.decode(bytes.subarray(i, i + 1), { stream: true });
    } catch {
      break;
    }
  }
  return text;
}

/** Where and why `text` is not one JSON value, or undefined if stream-json finds nothing wrong. */
function verify(text: string): VerifierFailure | undefined {
  const verifier = jsonVerifier();
  try {
    verifier(text);
    (verifier as unknown as (input: symbol) => unknown)(END_OF_INPUT);
    return undefined;
  } catch (error) {
    return verifierFailure(error);
  }
}

function verifierFailure(error: unknown): VerifierFailure {
  if (
    !(error instanceof Error) ||
    !('offset' in error && typeof error.offset === 'number') ||
    !('line' in error && typeof error.line === 'number') ||
    !('pos' in error && typeof error.pos === 'number')
  ) {
    throw error;
  }
  const reason = /Verifier (?:cannot parse input: |has )(.*)$/.exec(error.message)?.[1] ?? error.message;
  return {
    offset: error.offset,
    line: error.line,
    pos: error.pos,
    reason: reason === 'escaped characters' ? 'a bad escape sequence or a control character in a string' : reason,
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
