import {
  type Clock,
  createEmitter,
  type Duration,
  type EventSource,
  systemClock,
  type TimerHandle,
} from '@ballast/core';
import {
  durationOption,
  integerOption,
  invalidOption,
  NotFoundError,
  UnavailableError,
} from '@ballast/errors';
import { instruments } from './internal/metrics.js';
import { checkOptions } from './internal/options.js';

/** What `run` returns: values aligned with the keys, or a map from key to value; an `Error` fails that key only. */
export type BatchResult<K, V> = ReadonlyArray<V | Error> | ReadonlyMap<K, V | Error>;

/** Events of a {@link Batcher}. */
export interface BatcherEvents {
  /** A batch of `size` distinct keys ran in `durationMs` (per-key errors included). */
  batch: { size: number; durationMs: number };
  /** A batch failed as a whole: `run` threw or returned the wrong shape, so all its `size` keys rejected. */
  error: { error: unknown; size: number; durationMs: number };
}

/** Options for {@link batcher}. */
export interface BatcherOptions<K, V> {
  /** Names the batcher in metrics (`ballast.resilience.batcher`). @defaultValue `'batcher'` */
  name?: string;
  /** Loads many keys at once (one query, one HTTP call). Keys arrive deduplicated. */
  run: (keys: K[]) => Promise<BatchResult<K, V>>;
  /** Keys per batch; a full batch runs at once. @defaultValue `100` */
  maxBatch?: number;
  /** How long the first key of a batch waits for company. @defaultValue `0` (the next timer tick) */
  maxDelay?: Duration;
  /** The source of time. @defaultValue `systemClock` */
  clock?: Clock;
}

/** A DataLoader-style {@link batcher}. */
export interface Batcher<K, V> extends EventSource<BatcherEvents> {
  /** Resolves the value for `key`, loaded together with other keys asked for meanwhile. */
  load(key: K): Promise<V>;
  /** Loads several keys; each key fails or succeeds on its own. */
  loadMany(keys: readonly K[]): Promise<Array<V | Error>>;
  /** Runs the pending batch now. */
  flush(): void;
  /** Runs the pending batch and waits for every running batch; later loads reject with `UnavailableError`. */
  close(): Promise<void>;
  /** Same as {@link Batcher.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

interface Pending<V> {
  resolve: (value: V) => void;
  reject: (error: unknown) => void;
}

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
  const OK = Object.freeze({
    'ballast.resilience.policy': 'batcher',
    'ballast.resilience.batcher': name,
    'ballast.resilience.result': 'ok',
  });
  const FAILED = Object.freeze({
    'ballast.resilience.policy': 'batcher',
    'ballast.resilience.batcher': name,
    'ballast.resilience.result': 'error',
  });
  let batch = new Map<K, Pending<V>[]>();
  let timer: TimerHandle | undefined;
  let closed = false;
  const running = new Set<Promise<void>>();

  /** Reports a finished batch; `started` is `undefined` when nobody measures. */
  const report = (size: number, started: number | undefined, failed: boolean, error?: unknown): void => {
    if (started === undefined) return;
    const durationMs = clock.now() - started;
    const metrics = instruments();
    if (metrics !== undefined) {
      metrics.batchSize.record(size, failed ? FAILED : OK);
      metrics.batchDuration.record(durationMs / 1000, failed ? FAILED : OK);
    }
    if (failed) {
      if (events.has('error')) events.emit('error', { error, size, durationMs });
    } else if (events.has('batch')) events.emit('batch', { size, durationMs });
  };

  const dispatch = async (current: Map<K, Pending<V>[]>): Promise<void> => {
    const keys = [...current.keys()];
    // A stopwatch only when a metric or a listener needs it.
    const started =
      instruments() !== undefined || events.has('batch') || events.has('error') ? clock.now() : undefined;
    let result: BatchResult<K, V>;
    try {
      result = await run(keys);
    } catch (error) {
      report(keys.length, started, true, error);
      for (const waiters of current.values()) for (const w of waiters) w.reject(error);
      return;
    }
    const isMap = result instanceof Map;
    if (!isMap && (!Array.isArray(result) || result.length !== keys.length)) {
      const error = new TypeError(
        `batcher.run must return an array of ${keys.length} values (one per key) or a Map; got ${Array.isArray(result) ? `an array of ${result.length}` : typeof result}.`,
      );
      report(keys.length, started, true, error);
      for (const waiters of current.values()) for (const w of waiters) w.reject(error);
      return;
    }
    report(keys.length, started, false);
    keys.forEach((key, i) => {
      const has = isMap ? (result as ReadonlyMap<K, V | Error>).has(key) : true;
      const value = isMap
        ? (result as ReadonlyMap<K, V | Error>).get(key)
        : (result as ReadonlyArray<V | Error>)[i];
      for (const w of current.get(key)!) {
        if (!has) w.reject(new NotFoundError(`batcher.run returned no value for key ${String(key)}`));
        else if (value instanceof Error) w.reject(value);
        else w.resolve(value as V);
      }
    });
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
