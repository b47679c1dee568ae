/**
 * The function zxcvbn-ts's l33t matcher lists a password's readings with (letters in place of
 * symbols). zxcvbn-ts does not export it from its package root, and its own declarations sit
 * beside the file as .d.ts, which TypeScript does not pair with a .mjs import: this declares
 * what dictionary-prefilter.ts relies on (its L33tReadings), which the tests hold it to.
 */
declare module '@zxcvbn-ts/core/dist/matcher/dictionary/variants/matching/unmunger/getCleanPasswords.mjs' {
  const getCleanPasswords: (
    password: string,
    limit: number,
    trieRoot: unknown,
  ) => { password: string; changes: { i: number; letter: string; substitution: string }[]; isFullSubstitution: boolean }[];
  export default getCleanPasswords;
}
