/**
 * Auth0's five password strength presets, exactly as Auth0 defines them (its open-source
 * `password-sheriff` is the reference and the tests compare against it).
 */
import type { CharacterClass, StrengthLevel } from '../api.js';

export interface StrengthPreset {
  /** Minimum length in code points; `minLength` in the policy overrides it. */
  readonly minLength: number;
  /** Character classes the password must draw from, and how many of them at least. */
  readonly characterClasses?: { readonly required: number; readonly classes: readonly CharacterClass[] };
  /** Longest run of one repeated character allowed. */
  readonly maxIdenticalRun?: number;
}

const ALL_CLASSES: readonly CharacterClass[] = ['lower', 'upper', 'digit', 'special'];

export const STRENGTH_PRESETS: Readonly<Record<StrengthLevel, StrengthPreset>> = {
  none: { minLength: 1 },
  low: { minLength: 6 },
  fair: { minLength: 8, characterClasses: { required: 3, classes: ['lower', 'upper', 'digit'] } },
  good: { minLength: 8, characterClasses: { required: 3, classes: ALL_CLASSES } },
  excellent: { minLength: 10, characterClasses: { required: 3, classes: ALL_CLASSES }, maxIdenticalRun: 2 },
};
