/**
 * zxcvbn-ts as it comes, without the dictionary prefilter (src/shared/policy/dictionary-prefilter.ts),
 * with the estimator's own options: the reference the prefilter's test compares against and the
 * policy benchmark times against. It is zxcvbn-ts's ES module build, a second copy of its classes
 * that the prefilter is never installed on (Node loads the CommonJS build for `@zxcvbn-ts/core`).
 */
import type * as ZxcvbnCore from '@zxcvbn-ts/core';

import { hasDictionaryPrefilter } from '../../src/shared/policy/dictionary-prefilter.js';
import { estimatorOptions } from '../../src/shared/policy/strength.js';

export type ZxcvbnFactoryInstance = InstanceType<typeof ZxcvbnCore.ZxcvbnFactory>;

// A string, so that TypeScript does not look for the ES module build's own type declarations.
const REFERENCE_BUILD: string = '@zxcvbn-ts/core/dist/index.mjs';

export async function loadReferenceZxcvbn(): Promise<ZxcvbnFactoryInstance> {
  const [core, common, english] = await Promise.all([
    import(REFERENCE_BUILD) as Promise<typeof ZxcvbnCore>,
    import('@zxcvbn-ts/language-common'),
    import('@zxcvbn-ts/language-en'),
  ]);
  const reference = new core.ZxcvbnFactory(estimatorOptions(common, english));
  if (hasDictionaryPrefilter(reference)) throw new Error('the reference zxcvbn-ts has the prefilter: it would compare the same code with itself');
  return reference;
}
