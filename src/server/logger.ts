/**
 * A small structured logger. Callers pass only what is safe to keep: never a password, a token, a
 * hash, a request body or a query string.
 */
export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** Writes at once whatever it holds back; a logger that holds nothing back need not have it. */
  flush?(): void;
}

/** The flushes of loggers holding lines not yet written, for the process's exit. */
const unwritten = new Set<() => void>();
let exitHookInstalled = false;

function writeBeforeExit(flush: () => void): void {
  unwritten.add(flush);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const pending of unwritten) pending();
  });
}

/** The last timestamp written, kept for the lines of the same millisecond (many, under load). */
let stampedAt = Number.NaN;
let stamp = '';

function timestamp(): string {
  const now = Date.now();
  if (now !== stampedAt) {
    stampedAt = now;
    stamp = new Date(now).toISOString();
  }
  return stamp;
}

function formatLine(level: string, message: string, fields: LogFields): string {
  let line = `${timestamp()} ${level} ${message}`;
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    // JSON quotes and escapes text, so that no value can break the line or forge another.
    if (value !== undefined) line += ` ${key}=${JSON.stringify(value)}`;
  }
  return `${line}\n`;
}

/** How long request lines may wait to be written, and how much of them (in characters). */
export const LOG_GATHER_MS = 100;
export const LOG_GATHER_LENGTH = 64 * 1024;

/**
 * One line per entry on `stream` (stderr by default). Info lines, one per request, are gathered
 * and written together, at most LOG_GATHER_MS after the first of them or once LOG_GATHER_LENGTH
 * characters are waiting: writing each on its own cost a cheap GET about a third of its throughput (stderr to
 * a file or a pipe is written synchronously, one system call per write; Server, eleventh round, in
 * BENCHMARKS.md). Warnings and errors are written at once, after whatever was gathered before
 * them, and what is still gathered when the process exits is written then.
 */
export function createConsoleLogger(stream: NodeJS.WritableStream = process.stderr): Logger {
  let gathered = '';
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    clearTimeout(timer);
    timer = undefined;
    unwritten.delete(flush);
    if (gathered === '') return;
    const text = gathered;
    gathered = '';
    stream.write(text);
  };
  const gather = (line: string): void => {
    gathered += line;
    if (gathered.length >= LOG_GATHER_LENGTH) {
      flush();
    } else if (timer === undefined) {
      // Unreferenced: a log waiting to be written keeps no process alive; the exit writes it.
      timer = setTimeout(flush, LOG_GATHER_MS).unref();
      writeBeforeExit(flush);
    }
  };
  const writeAtOnce = (line: string): void => {
    gathered += line;
    flush();
  };
  return {
    info: (message, fields = {}) => gather(formatLine('info', message, fields)),
    warn: (message, fields = {}) => writeAtOnce(formatLine('warn', message, fields)),
    error: (message, fields = {}) => writeAtOnce(formatLine('error', message, fields)),
    flush,
  };
}

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
