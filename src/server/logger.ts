/**
 * A small structured logger. Callers pass only what is safe to keep: never a password, a token, a
 * hash, a request body or a query string.
 */
export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export function createConsoleLogger(stream: NodeJS.WritableStream = process.stderr): Logger {
  const write = (level: string, message: string, fields: LogFields = {}): void => {
    const detail = Object.entries(fields)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
      .join(' ');
    stream.write(`${new Date().toISOString()} ${level} ${message}${detail ? ` ${detail}` : ''}\n`);
  };
  return {
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
  };
}

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
