/**
 * Where the widget's zxcvbn-ts estimates are made, loaded on the first focus of a new-password
 * field (a lazy chunk, like the dictionaries): a Web Worker when one can start, this thread
 * otherwise.
 */
import { loadStrengthEstimator, type StrengthEstimator } from '../shared/policy/strength.js';
import { sortedWordList, type StrengthRequest, type StrengthResponse, type WordList } from './strength-messages.js';

export interface Estimator {
  score(password: string, userInputs: readonly string[]): Promise<number>;
  dispose(): void;
}

export interface StartedEstimator {
  estimator: Estimator;
  commonPasswords: WordList;
}

/** A worker when one starts, this thread otherwise; rejects when the dictionaries cannot load. */
export async function startEstimator(): Promise<StartedEstimator> {
  let worker: Worker;
  try {
    // Written out in full so that Vite finds it and builds the worker as a chunk of its own; the
    // `.js` name is also the file tsc writes beside this one for the npm package.
    worker = new Worker(new URL('./strength-worker.js', import.meta.url), { type: 'module', name: 'provision-lock-strength' });
  } catch {
    // A script from another origin cannot start a worker (SecurityError); nor can an old browser.
    return startOnThisThread();
  }
  try {
    return await startInWorker(worker);
  } catch (error) {
    worker.terminate();
    if (error instanceof WorkerDidNotStart) return startOnThisThread();
    throw error;
  }
}

async function startOnThisThread(): Promise<StartedEstimator> {
  const loaded: StrengthEstimator = await loadStrengthEstimator();
  return {
    commonPasswords: loaded.commonPasswords,
    estimator: {
      score: (password, userInputs) => Promise.resolve(loaded.score(password, userInputs)),
      dispose: () => undefined,
    },
  };
}

/** The worker's script itself could not run (blocked, not found): this thread can still try. */
class WorkerDidNotStart extends Error {}

function startInWorker(worker: Worker): Promise<StartedEstimator> {
  let commonPasswords: WordList | undefined;
  const pending = new Map<number, { resolve: (score: number) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  const estimator: Estimator = {
    score: (password, userInputs) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        const request: StrengthRequest = { kind: 'estimate', id, password, userInputs: [...userInputs] };
        worker.postMessage(request);
      }),
    dispose: () => {
      worker.terminate();
      for (const { reject } of pending.values()) reject(new Error('the strength worker was stopped'));
      pending.clear();
    },
  };

  return new Promise((resolve, reject) => {
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      // Before `ready`: the script never ran. After it: estimates in flight will not be answered.
      reject(new WorkerDidNotStart(event.message));
      for (const { reject: fail } of pending.values()) fail(new Error('the strength worker failed'));
      pending.clear();
    });
    worker.addEventListener('message', (event: MessageEvent<StrengthResponse>) => {
      const response = event.data;
      switch (response.kind) {
        case 'common-passwords':
          commonPasswords = sortedWordList(response.words);
          break;
        case 'ready':
          if (commonPasswords) resolve({ estimator, commonPasswords });
          else reject(new Error('the strength worker sent no common-password list'));
          break;
        case 'failed':
          reject(new Error(response.message));
          break;
        case 'score': {
          const request = pending.get(response.id);
          pending.delete(response.id);
          if (response.score === null) request?.reject(new Error('the estimate failed'));
          else request?.resolve(response.score);
          break;
        }
      }
    });
  });
}
