import type { ErrorReport, ErrorReporterOptions } from '../../reporter-types.js';
import type { ReporterCounters } from './counters.js';

/**
 * Hands reports to the sink: counts each one sent, counts a sink that throws or rejects
 * (never letting it reach the caller), and tracks pending sink promises for `settle()`.
 */
export class SinkDelivery {
  readonly #pending = new Set<Promise<void>>();

  constructor(
    readonly sink: ErrorReporterOptions['sink'],
    readonly counters: ReporterCounters,
  ) {}

  /** Sends `report` to the sink. Never throws. */
  deliver(report: ErrorReport): void {
    const counters = this.counters;
    counters.sent++;
    try {
      const result = this.sink(report);
      if (result && typeof result.then === 'function') {
        const tracked: Promise<void> = result.then(
          () => void this.#pending.delete(tracked),
          () => {
            counters.sinkErrors++;
            this.#pending.delete(tracked);
          },
        );
        this.#pending.add(tracked);
      }
    } catch {
      counters.sinkErrors++;
    }
  }

  /** Waits until no sink promise is pending (including ones started meanwhile). */
  async settle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }
}
