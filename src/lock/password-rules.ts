/**
 * The `passwordrules` attribute (Apple's proposal, read by Safari's and some managers' generators)
 * for a policy, so that a generated password passes on the first try.
 */
import type { PasswordPolicy } from '../shared/api.js';
import { STRENGTH_PRESETS } from '../shared/policy/presets.js';

export function passwordRulesAttribute(policy: PasswordPolicy): string {
  const preset = STRENGTH_PRESETS[policy.strength];
  const rules = [`minlength: ${policy.minLength}`, `maxlength: ${policy.maxLength}`];
  if (preset.characterClasses) {
    // "3 of these 4" cannot be written in this syntax; requiring lower, upper and digit always
    // satisfies it, and special characters stay allowed.
    rules.push('required: lower', 'required: upper', 'required: digit', 'allowed: special');
  }
  if (preset.maxIdenticalRun !== undefined) rules.push(`max-consecutive: ${preset.maxIdenticalRun}`);
  return `${rules.join('; ')};`;
}
