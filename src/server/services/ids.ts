import { randomBytes } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * `prefix` and `length` random letters and digits, as Auth0 shapes its ids (`con_…`, `job_…`).
 * Rejection sampling keeps every character equally likely.
 */
export function randomAlphanumericId(prefix: string, length: number): string {
  let id = '';
  while (id.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && id.length < length) id += ALPHANUMERIC[byte % ALPHANUMERIC.length];
    }
  }
  return `${prefix}${id}`;
}
