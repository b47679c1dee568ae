import type { ReactiveController, ReactiveControllerHost } from 'lit';

import { loadStrengthEstimator, type StrengthEstimator } from '../../shared/policy/index.js';

interface Estimate {
  key: string;
  score: number;
}

/**
 * zxcvbn-ts for the checklist and the meter, kept off the keystroke path: its dictionaries load
 * on the first focus of a new-password field, and each estimate (several milliseconds) runs once
 * typing pauses, for the latest password only.
 */
export class StrengthController implements ReactiveController {
  estimator: StrengthEstimator | undefined;
  private estimate: Estimate | undefined;
  private wanted: { password: string; userInputs: readonly string[] } | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly delayMs = 150,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    clearTimeout(this.timer);
  }

  /** Starts loading the dictionaries; harmless to call again. */
  prepare(): void {
    if (this.estimator) return;
    loadStrengthEstimator().then(
      (estimator) => {
        this.estimator = estimator;
        this.schedule();
        this.host.requestUpdate();
      },
      // Without the dictionaries the rules they decide stay "checked when you submit".
      () => undefined,
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

  private schedule(): void {
    clearTimeout(this.timer);
    if (!this.estimator || !this.wanted) return;
    this.timer = setTimeout(() => {
      const { estimator, wanted } = this;
      if (!estimator || !wanted) return;
      this.estimate = {
        key: keyOf(wanted.password, wanted.userInputs),
        score: estimator.score(wanted.password, wanted.userInputs),
      };
      this.host.requestUpdate();
    }, this.delayMs);
  }
}

function keyOf(password: string, userInputs: readonly string[]): string {
  return `${password}\u0000${userInputs.join('\u0000')}`;
}
