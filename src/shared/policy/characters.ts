/**
 * Character-level facts the rules share. Classes are ASCII only, exactly as Auth0's presets define
 * them: a letter outside A-Z/a-z counts as no class at all.
 */
import type { CharacterClass } from '../api.js';

const CLASS_PATTERNS: Readonly<Record<CharacterClass, RegExp>> = {
  lower: /[a-z]/,
  upper: /[A-Z]/,
  digit: /[0-9]/,
  // Space and the OWASP list of special characters.
  special: /[ !"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/,
};

export function hasCharacterClass(text: string, characterClass: CharacterClass): boolean {
  return CLASS_PATTERNS[characterClass].test(text);
}

/** Passwords and usernames are compared in NFC so that "é" typed two ways is one character. */
export function normalize(text: string): string {
  return text.normalize('NFC');
}

/**
 * The form in which passwords are compared with names and dictionary words: NFC, lowercased, and
 * with Greek final sigma folded into σ, because lowercasing picks ς or σ by the letter's place in
 * the word, so "ΟΔΟΣ" alone and inside "ΟΔΟΣ2024" would otherwise lowercase differently.
 */
export function foldCase(text: string): string {
  return normalize(text).toLowerCase().replaceAll('ς', 'σ');
}

/**
 * Code points, not UTF-16 units: an emoji is one character to the person typing it. A lone
 * surrogate counts as one code point, so this never throws on malformed strings.
 */
export function codePoints(text: string): string[] {
  return Array.from(text);
}

/** Length of the longest run of one repeated code point ("aaab" → 3). */
export function longestRun(text: string): number {
  let longest = 0;
  let current = 0;
  let previous: string | undefined;
  for (const character of text) {
    current = character === previous ? current + 1 : 1;
    previous = character;
    if (current > longest) longest = current;
  }
  return longest;
}
