/**
 * The zxcvbn-ts strength estimate and the common-password list: several hundred kilobytes of
 * dictionaries, so they are imported dynamically (a lazy chunk in the widget), once, and cached.
 */
// Types only: the packages themselves are loaded on demand below.
import type * as LanguageCommonModule from '@zxcvbn-ts/language-common';
import type * as LanguageEnglishModule from '@zxcvbn-ts/language-en';

import type { PasswordPolicy } from '../api.js';
import { normalize } from './characters.js';
import { installDictionaryPrefilter } from './dictionary-prefilter.js';
import { checkPassword, personalInfoTokens, type PasswordCheck, type PersonalInfo } from './password.js';

export interface StrengthEstimator {
  /** zxcvbn-ts score, 0 (guessable in seconds) to 4 (very unguessable), of the password in NFC as every rule sees it. */
  score(password: string, userInputs: readonly string[]): number;
  /** The common-password list, lowercased. */
  readonly commonPasswords: ReadonlySet<string>;
}

let estimatorLoading: Promise<StrengthEstimator> | undefined;

export function loadStrengthEstimator(): Promise<StrengthEstimator> {
  estimatorLoading ??= createEstimator().catch((error: unknown) => {
    // A failed chunk load (flaky network in the browser) must not poison every later attempt.
    estimatorLoading = undefined;
    throw error;
  });
  return estimatorLoading;
}

type LanguageCommon = typeof LanguageCommonModule;
type LanguageEnglish = typeof LanguageEnglishModule;

/** zxcvbn-ts's options as every estimate here uses them (the benchmark and tests build the same). */
export function estimatorOptions(common: LanguageCommon, english: LanguageEnglish) {
  return {
    dictionary: { ...common.dictionary, ...english.dictionary },
    graphs: common.adjacencyGraphs,
    translations: english.translations,
    // zxcvbn-ts's l33t matcher tries every combination of substitutions: with its default cap a
    // random 32-character password takes a quarter of a second and a 128-character one over a
    // second, on the server's event loop and on the typist's main thread. Five substitutions give
    // the same scores on l33t spellings of common passwords ("P@$$w0rd1", "M0nk3y$2020") at a
    // tenth of the cost. And the first 64 characters decide the score: a password whose first 64
    // are strong is strong, and one that only grows strong after them errs on the safe side.
    l33tMaxSubstitutions: 5,
    maxLength: 64,
  };
}

async function createEstimator(): Promise<StrengthEstimator> {
  const [{ ZxcvbnFactory }, common, english, l33tReadings] = await Promise.all([
    import('@zxcvbn-ts/core'),
    import('@zxcvbn-ts/language-common'),
    import('@zxcvbn-ts/language-en'),
    // Not public API: should a later zxcvbn-ts move it, its l33t matcher runs as it is.
    import('@zxcvbn-ts/core/dist/matcher/dictionary/variants/matching/unmunger/getCleanPasswords.mjs').then(
      (module) => module.default,
      () => undefined,
    ),
  ]);
  const zxcvbn = new ZxcvbnFactory(estimatorOptions(common, english));
  // Three quarters of an estimate went to looking substrings up in twenty dictionaries; see
  // dictionary-prefilter.ts. Same scores, several times faster.
  installDictionaryPrefilter(zxcvbn, l33tReadings);
  const commonPasswords = new Set(common.dictionary['passwords-common'].map((entry) => entry.toLowerCase()));
  return {
    score: (password, userInputs) => zxcvbn.check(normalize(password), [...userInputs]).score,
    commonPasswords,
  };
}

/**
 * Every rule with a definite answer: loads the estimator when the policy needs it, scores the
 * password against the user's own details, then runs the synchronous checks. This is what the
 * server runs; the widget does the same off the keystroke path.
 */
export async function evaluatePassword(
  password: string,
  policy: PasswordPolicy,
  context: PersonalInfo & { reusesRecentPassword?: boolean | undefined },
): Promise<PasswordCheck> {
  const needsEstimator = policy.minScore > 0 || policy.dictionary.common;
  const estimator = needsEstimator ? await loadStrengthEstimator() : undefined;
  const score =
    estimator && policy.minScore > 0 ? estimator.score(password, personalInfoTokens(context)) : undefined;
  return checkPassword(password, policy, { ...context, score, commonPasswords: estimator?.commonPasswords });
}
