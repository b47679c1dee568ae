/**
 * Work that runs after the answer has gone out (mails above all): so that no answer waits on a
 * mail server, and no answer's timing tells whether there was anything to send. Failures are
 * logged, never thrown; `idle()` lets tests and a clean shutdown wait for the work to finish.
 */
import type { Logger } from '../logger.js';

export class BackgroundTasks {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly logger: Logger) {}

  run(label: string, task: () => Promise<void>): void {
    const work = Promise.resolve()
      .then(task)
      .catch((error: unknown) => {
        this.logger.error(`${label} failed`, { error: error instanceof Error ? error.message : String(error) });
      })
      .finally(() => this.inFlight.delete(work));
    this.inFlight.add(work);
  }

  /** Settles when every task started so far is done. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }
}
