import type { Clock, Duration, EventSource } from '@ballast/core';

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
