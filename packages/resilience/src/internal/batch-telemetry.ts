import type { Clock, Emitter } from '@ballast/core';
import type { BatcherEvents } from '../batcher-types.js';
import { instruments } from './metrics.js';

/**
 * A batcher's events and metrics (`batch`/`error`, `ballast.resilience.batch.size` and
 * `.duration`): the stopwatch runs only when a metric or a listener needs it.
 */
export class BatchTelemetry {
  readonly #ok: Readonly<Record<string, string>>;
  readonly #failed: Readonly<Record<string, string>>;

  constructor(
    name: string,
    readonly clock: Clock,
    readonly events: Emitter<BatcherEvents>,
  ) {
    this.#ok = Object.freeze({
      'ballast.resilience.policy': 'batcher',
      'ballast.resilience.batcher': name,
      'ballast.resilience.result': 'ok',
    });
    this.#failed = Object.freeze({
      'ballast.resilience.policy': 'batcher',
      'ballast.resilience.batcher': name,
      'ballast.resilience.result': 'error',
    });
  }

  /** The start time of a batch, or `undefined` when nobody measures. */
  start(): number | undefined {
    const events = this.events;
    return instruments() !== undefined || events.has('batch') || events.has('error')
      ? this.clock.now()
      : undefined;
  }

  /** Reports a finished batch of `size` keys; `started` is what {@link BatchTelemetry.start} returned. */
  report(size: number, started: number | undefined, failed: boolean, error?: unknown): void {
    if (started === undefined) return;
    const durationMs = this.clock.now() - started;
    // Resolved late: a batcher made before the SDK registered reports once it has.
    const metrics = instruments();
    if (metrics !== undefined) {
      metrics.batchSize.record(size, failed ? this.#failed : this.#ok);
      metrics.batchDuration.record(durationMs / 1000, failed ? this.#failed : this.#ok);
    }
    const events = this.events;
    if (failed) {
      if (events.has('error')) events.emit('error', { error, size, durationMs });
    } else if (events.has('batch')) events.emit('batch', { size, durationMs });
  }
}
