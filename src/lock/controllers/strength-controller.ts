import type { ReactiveController, ReactiveControllerHost } from 'lit';

import type { Estimator } from '../strength-estimators.js';
import type { WordList } from '../strength-messages.js';

interface Estimate {
  key: string;
  score: number;
  /** Whether the estimated password was empty (its score says nothing about the next one). */
  empty: boolean;
}

/**
 * zxcvbn-ts for the checklist and the meter, kept off the keystroke path. Its dictionaries load on
 * the first focus of a new-password field, and each estimate runs once typing pauses, for the
 * latest password only, one at a time: in a Web Worker, so that an estimate of 50 to 500 ms never
 * holds up a key press, or on this thread where no worker can start (a widget script from another
 * origin may not start one).
 *
 * Estimating on every key press in the worker was measured too (bench/policy.ts): each answer
 * re-renders the checklist and the meter between two key presses, and the worker's work competes
 * for the same cores, so typing got slower, not faster.
 */
export class StrengthController implements ReactiveController {
  /** The common-password list (lowercased) for the dictionary rule, once loaded. */
  commonPasswords: WordList | undefined;
  private estimator: Estimator | undefined;
  private loading = false;
  private estimate: Estimate | undefined;
  private wanted: { password: string; userInputs: readonly string[] } | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  /** Counts disconnections, so that an estimator that finishes loading after one is let go. */
  private connection = 0;

  constructor(
    private readonly host: ReactiveControllerHost,
    /** The pause in typing after which an estimate runs. */
    private readonly delayMs = 150,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.connection += 1;
    this.loading = false;
    clearTimeout(this.timer);
    this.estimator?.dispose();
    this.estimator = undefined;
    this.running = false;
  }

  /** Starts loading the dictionaries; harmless to call again. */
  prepare(): void {
    if (this.estimator || this.loading) return;
    this.loading = true;
    const connection = this.connection;
    // The worker's client is a lazy chunk too: the bundle every page loads stays as small as it was.
    import('../strength-estimators.js')
      .then(({ startEstimator }) => startEstimator())
      .then(
      ({ estimator, commonPasswords }) => {
        if (connection !== this.connection) return estimator.dispose();
        this.loading = false;
        this.estimator = estimator;
        this.commonPasswords = commonPasswords;
        this.schedule();
        this.host.requestUpdate();
      },
      () => {
        // Without the dictionaries the rules they decide stay "checked when you submit"; the next
        // focus tries again.
        if (connection === this.connection) this.loading = false;
      },
    );
  }

  /** Asks for an estimate of this password once typing pauses. */
  request(password: string, userInputs: readonly string[]): void {
    this.wanted = { password, userInputs };
    this.schedule();
  }

  /** The score of exactly this password and these inputs, if it has been estimated. */
  scoreOf(password: string, userInputs: readonly string[]): number | undefined {
    return this.estimate?.key === keyOf(password, userInputs) ? this.estimate.score : undefined;
  }

  /**
   * The latest score of a non-empty password, whichever: what the meter keeps showing, marked as
   * out of date, while the password being typed waits for its own.
   */
  get lastScore(): number | undefined {
    return this.estimate?.empty === false ? this.estimate.score : undefined;
  }

  private schedule(): void {
    clearTimeout(this.timer);
    const { estimator, wanted } = this;
    if (!estimator || !wanted || this.running) return;
    if (this.estimate?.key === keyOf(wanted.password, wanted.userInputs)) return;
    this.timer = setTimeout(() => void this.run(estimator), this.delayMs);
  }

  private async run(estimator: Estimator): Promise<void> {
    const { wanted } = this;
    if (!wanted) return;
    this.running = true;
    let score: number;
    try {
      score = await estimator.score(wanted.password, wanted.userInputs);
    } catch {
      // This password stays unscored ("checked when you submit"); the next keystroke asks again.
      return;
    } finally {
      this.running = false;
    }
    if (estimator !== this.estimator) return;
    this.estimate = { key: keyOf(wanted.password, wanted.userInputs), score, empty: !wanted.password };
    this.host.requestUpdate();
    // The typist may have gone on while this estimate ran: estimate the latest password too.
    this.schedule();
  }
}

function keyOf(password: string, userInputs: readonly string[]): string {
  return `${password}\u0000${userInputs.join('\u0000')}`;
}
