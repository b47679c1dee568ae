/**
 * The zxcvbn-ts estimate in a Web Worker: one estimate of a long password costs from a few to
 * hundreds of milliseconds, and the dictionaries take longer still to unpack. Here that work never
 * holds up a key press. Loaded only on the first focus of a new-password field, as its own chunk.
 *
 * The page sends `StrengthRequest`s; the worker sends the common-password list that the
 * checklist's dictionary rule needs on every keystroke, then `ready` (or `failed`), then one
 * `score` per request (see strength-messages.ts).
 */
import { loadStrengthEstimator } from '../shared/policy/strength.js';
import { joinSorted, type StrengthRequest, type StrengthResponse } from './strength-messages.js';

/** What this module sees as `self`: the dedicated worker's scope, typed as far as it is used here. */
interface WorkerScope {
  postMessage(message: StrengthResponse): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<StrengthRequest>) => void): void;
}

const scope = self as unknown as WorkerScope;

const estimator = loadStrengthEstimator();

estimator.then(
  (loaded) => {
    // One string, sorted here: the page searches it as it is, with nothing to build.
    scope.postMessage({ kind: 'common-passwords', words: joinSorted(loaded.commonPasswords) });
    scope.postMessage({ kind: 'ready' });
  },
  (error: unknown) => scope.postMessage({ kind: 'failed', message: error instanceof Error ? error.message : String(error) }),
);

scope.addEventListener('message', (event) => {
  const request = event.data;
  void estimator.then((loaded) => {
    let score: number | null = null;
    try {
      score = loaded.score(request.password, request.userInputs);
    } finally {
      // Always answer: the page keeps one estimate in flight and waits for this one.
      scope.postMessage({ kind: 'score', id: request.id, score });
    }
  });
});
