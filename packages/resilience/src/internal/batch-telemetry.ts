import type { Clock, Emitter } from '@ballast/core';
import type { BatcherEvents } from '../batcher-types.js';
import type { Instruments } from './metrics.js';

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
    readonly metrics: Instruments | undefined,
  ) {
    this.#ok = Object.freeze({
      'resilience.policy': 'batcher',
      'resilience.batcher': name,
      'resilience.result': 'ok',
    });
    this.#failed = Object.freeze({
      'resilience.policy': 'batcher',
      'resilience.batcher': name,
      'resilience.result': 'error',
    });
  }

  /** The start time of a batch, or `undefined` when nobody measures. */
  start(): number | undefined {
    const events = this.events;
    return this.metrics !== undefined || events.has('batch') || events.has('error')
      ? this.clock.now()
      : undefined;
  }

  /** Reports a finished batch of `size` keys; `started` is what {@link BatchTelemetry.start} returned. */
  report(size: number, started: number | undefined, failed: boolean, error?: unknown): void {
    if (started === undefined) return;
    const durationMs = this.clock.now() - started;
    const metrics = this.metrics;
    if (metrics !== undefined) {
      metrics.batchSize.record(size, failed ? this.#failed : this.#ok);
      metrics.batchDuration.record(durationMs, failed ? this.#failed : this.#ok);
    }
    const events = this.events;
    if (failed) {
      if (events.has('error')) events.emit('error', { error, size, durationMs });
    } else if (events.has('batch')) events.emit('batch', { size, durationMs });
  }
}
