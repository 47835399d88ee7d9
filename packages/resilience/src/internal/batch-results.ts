import { NotFoundError } from '@ballast/errors';
import type { BatchResult } from '../batcher-types.js';

/** A caller waiting for one key of a batch. */
export interface Waiter<V> {
  resolve: (value: V) => void;
  reject: (error: unknown) => void;
}

/** The keys of one batch, each with the callers waiting for it (in insertion order). */
export type BatchWaiters<K, V> = Map<K, Waiter<V>[]>;

/** Rejects every caller of the batch with `error` (the batch failed as a whole). */
export function rejectBatch<K, V>(waiters: BatchWaiters<K, V>, error: unknown): void {
  for (const list of waiters.values()) for (const w of list) w.reject(error);
}

/**
 * Why `result` cannot settle a batch of `count` keys (not a Map, nor an array of one
 * value per key), or `undefined` when it can.
 */
export function resultShapeError(result: unknown, count: number): TypeError | undefined {
  if (result instanceof Map) return undefined;
  if (Array.isArray(result) && result.length === count) return undefined;
  return new TypeError(
    `batcher.run must return an array of ${count} values (one per key) or a Map; got ${Array.isArray(result) ? `an array of ${result.length}` : typeof result}.`,
  );
}

/**
 * Settles every caller with its key's value: an `Error` in the result rejects only that
 * key, a key missing from a Map rejects with `NotFoundError`. `result` has the right shape.
 */
export function settleBatch<K, V>(keys: K[], waiters: BatchWaiters<K, V>, result: BatchResult<K, V>): void {
  const isMap = result instanceof Map;
  keys.forEach((key, i) => {
    const has = isMap ? (result as ReadonlyMap<K, V | Error>).has(key) : true;
    const value = isMap
      ? (result as ReadonlyMap<K, V | Error>).get(key)
      : (result as ReadonlyArray<V | Error>)[i];
    for (const w of waiters.get(key)!) {
      if (!has) w.reject(new NotFoundError(`batcher.run returned no value for key ${String(key)}`));
      else if (value instanceof Error) w.reject(value);
      else w.resolve(value as V);
    }
  });
}
