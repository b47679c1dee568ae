/**
 * What the page and the strength worker (strength-worker.ts) say to each other. Kept apart from
 * the worker so that the page's bundle imports these few lines, never the worker's code.
 */
export type StrengthRequest = { kind: 'estimate'; id: number; password: string; userInputs: readonly string[] };

export type StrengthResponse =
  /**
   * A slice of the common-password list (lowercased), joined by COMMON_PASSWORD_SEPARATOR: one
   * string crosses to the page far faster than thousands, and the page files each slice in a task
   * of its own, a few milliseconds long, between key presses.
   */
  | { kind: 'common-passwords'; words: string }
  /** Every slice has been sent; estimates can be asked for. */
  | { kind: 'ready' }
  | { kind: 'failed'; message: string }
  /** `null` when this estimate failed (the next password is tried afresh). */
  | { kind: 'score'; id: number; score: number | null };

export const COMMON_PASSWORD_SEPARATOR = '\n';

/** Common passwords per `common-passwords` message. */
export const COMMON_PASSWORDS_PER_MESSAGE = 4000;
