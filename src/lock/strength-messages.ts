/**
 * What the page and the strength worker (strength-worker.ts) say to each other. Kept apart from
 * the worker so that the page's lazy strength-estimators chunk imports these few lines, never the
 * worker's code.
 */
export type StrengthRequest = { kind: 'estimate'; id: number; password: string; userInputs: readonly string[] };

export type StrengthResponse =
  /**
   * The common-password list (lowercased), sorted and joined by COMMON_PASSWORD_SEPARATOR: the
   * page looks words up in this one string (see `sortedWordList`) instead of filing 49,000 words
   * into a Set, which held its thread for 10 to 20 ms per slice of 4,000 while the typist typed.
   */
  | { kind: 'common-passwords'; words: string }
  /** The list has been sent; estimates can be asked for. */
  | { kind: 'ready' }
  | { kind: 'failed'; message: string }
  /** `null` when this estimate failed (the next password is tried afresh). */
  | { kind: 'score'; id: number; score: number | null };

export const COMMON_PASSWORD_SEPARATOR = '\n';

/** What the dictionary rule asks of the common-password list. */
export type WordList = Pick<ReadonlySet<string>, 'has'>;

/** The words in the order `sortedWordList` searches them (UTF-16 code units, as `<` compares), joined. */
export function joinSorted(words: Iterable<string>): string {
  return [...words].sort().join(COMMON_PASSWORD_SEPARATOR);
}

/**
 * A binary search over the lines of `joinSorted`'s string: about 16 comparisons per lookup, and
 * nothing to build when the list arrives, however long it is.
 */
export function sortedWordList(text: string): WordList {
  return {
    has(word) {
      if (text === '') return false;
      // `low` and `high` are starts of lines (`high` may be one past the end): the word, if
      // present, is on a line in between.
      let low = 0;
      let high = text.length + 1;
      while (low < high) {
        const middle = (low + high) >>> 1;
        const start = middle === 0 ? 0 : text.lastIndexOf(COMMON_PASSWORD_SEPARATOR, middle - 1) + 1;
        const found = text.indexOf(COMMON_PASSWORD_SEPARATOR, start);
        const end = found === -1 ? text.length : found;
        const line = text.slice(start, end);
        if (line === word) return true;
        if (line < word) low = end + 1;
        else high = start;
      }
      return false;
    },
  };
}
