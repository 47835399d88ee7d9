import { createEmitter, systemClock, type TimerHandle } from '@ballast/core';
import { durationOption, integerOption, invalidOption, UnavailableError } from '@ballast/errors';
import type { Batcher, BatcherEvents, BatcherOptions, BatchResult } from './batcher-types.js';
import { type BatchWaiters, rejectBatch, resultShapeError, settleBatch } from './internal/batch-results.js';
import { BatchTelemetry } from './internal/batch-telemetry.js';
import { checkOptions } from './internal/options.js';

const BATCHER_KEYS = ['name', 'run', 'maxBatch', 'maxDelay', 'clock'] as const satisfies ReadonlyArray<
  keyof BatcherOptions<unknown, unknown>
>;

/**
 * Coalesces `load(key)` calls made within `maxDelay` (or until `maxBatch` keys)
 * into one `run(keys)`, with duplicate keys asked once. Each key resolves to its
 * own value or error: a missing value rejects with `NotFoundError`, an `Error`
 * in the result rejects only that key, and a throwing `run` rejects the batch.
 * Each run emits `batch` (or `error` when it fails as a whole) and records
 * `ballast.resilience.batch.size` and `ballast.resilience.batch.duration`.
 *
 * @throws ConfigurationError for a missing `run`, `maxBatch` < 1, a bad `maxDelay` or an empty `name`.
 *
 * @example
 * const users = batcher({ run: (ids: string[]) => db.usersByIds(ids), maxDelay: '2ms' });
 * const [a, b] = await Promise.all([users.load('1'), users.load('2')]); // one query
 */
export function batcher<K, V>(options: BatcherOptions<K, V>): Batcher<K, V> {
  checkOptions('batcher', options, BATCHER_KEYS, true);
  const run = options?.run;
  if (typeof run !== 'function')
    throw invalidOption('batcher.run', run, 'a function (keys) => Promise<values>');
  const maxBatch = integerOption('batcher.maxBatch', options.maxBatch ?? 100, 1);
  const maxDelay = durationOption('batcher.maxDelay', options.maxDelay ?? 0);
  const clock = options.clock ?? systemClock;
  const name = options.name ?? 'batcher';
  if (typeof name !== 'string' || name.length === 0)
    throw invalidOption('batcher.name', name, 'a non-empty string');
  const events = createEmitter<BatcherEvents>();
  const telemetry = new BatchTelemetry(name, clock, events);
  let batch: BatchWaiters<K, V> = new Map();
  let timer: TimerHandle | undefined;
  let closed = false;
  const running = new Set<Promise<void>>();

  const dispatch = async (current: BatchWaiters<K, V>): Promise<void> => {
    const keys = [...current.keys()];
    const started = telemetry.start();
    let result: BatchResult<K, V>;
    try {
      result = await run(keys);
    } catch (error) {
      telemetry.report(keys.length, started, true, error);
      rejectBatch(current, error);
      return;
    }
    const shapeError = resultShapeError(result, keys.length);
    if (shapeError !== undefined) {
      telemetry.report(keys.length, started, true, shapeError);
      rejectBatch(current, shapeError);
      return;
    }
    telemetry.report(keys.length, started, false);
    settleBatch(keys, current, result);
  };

  const flush = (): void => {
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
    if (batch.size === 0) return;
    const current = batch;
    batch = new Map();
    const done = dispatch(current);
    running.add(done);
    void done.finally(() => running.delete(done));
  };

  const load = (key: K): Promise<V> =>
    new Promise<V>((resolve, reject) => {
      if (closed) {
        reject(new UnavailableError('The batcher is closed; it takes no more loads'));
        return;
      }
      const waiters = batch.get(key);
      if (waiters !== undefined) waiters.push({ resolve, reject });
      else batch.set(key, [{ resolve, reject }]);
      if (batch.size >= maxBatch) flush();
      else if (timer === undefined) timer = clock.setTimeout(flush, maxDelay);
    });

  return {
    load,
    on: events.on,
    loadMany: (keys) => Promise.all(keys.map((key) => load(key).catch((error: unknown) => error as Error))),
    flush,
    async close() {
      closed = true;
      flush();
      await Promise.all(running);
    },
    [Symbol.asyncDispose]() {
      return this.close();
    },
  };
}
