import type { Duration } from '@ballast/core';
import { integerOption, ValidationError } from '@ballast/errors';

/** One thing to warm: a ready entry, or a key for the `loader` to fetch. */
export type WarmItem<T> = string | { key: string; value: T; ttl?: Duration; tags?: readonly string[] };

/** What `warm` reads from: an array, any iterable or an async iterable (a DB cursor). */
export type WarmSource<T> = Iterable<WarmItem<T>> | AsyncIterable<WarmItem<T>>;

/** Options of `cache.warm`. */
export interface WarmOptions<T> {
  /**
   * Items processed at once.
   * @defaultValue 8
   */
  concurrency?: number;
  /** Fetches the value of a bare key. Required when the source yields keys. */
  loader?: (key: string) => T | Promise<T>;
  /** Stops taking new items once aborted. */
  signal?: AbortSignal;
}

/** How a warm-up went. Failed items are also reported as `error` events. */
export interface WarmResult {
  /** Keys loaded and written to the cache. */
  loaded: number;
  /** Keys whose loader failed. */
  failed: number;
}

/** Writes one resolved item into the cache. */
export type WarmWriter<T> = (
  key: string,
  value: T,
  ttl: Duration | undefined,
  tags?: readonly string[],
) => Promise<void>;

/**
 * Drains `source` with `concurrency` workers, writing each item through `write`. One
 * failing item never stops the others; `progress` is called after each item.
 */
export async function runWarm<T>(
  source: WarmSource<T>,
  options: WarmOptions<T>,
  write: WarmWriter<T>,
  progress: (result: WarmResult, error: unknown) => void,
): Promise<WarmResult> {
  const concurrency = integerOption('warm.concurrency', options.concurrency ?? 8, 1);
  const iterator =
    Symbol.asyncIterator in source
      ? (source as AsyncIterable<WarmItem<T>>)[Symbol.asyncIterator]()
      : (source as Iterable<WarmItem<T>>)[Symbol.iterator]();
  const result: WarmResult = { loaded: 0, failed: 0 };
  const one = async (item: WarmItem<T>): Promise<void> => {
    if (typeof item !== 'string') return write(item.key, item.value, item.ttl, item.tags);
    if (options.loader === undefined) {
      throw new ValidationError(`warm() got the key "${item}" but no loader to fetch its value`, {
        suggestions: ['Pass { loader: (key) => fetchValue(key) } or yield { key, value } items.'],
      });
    }
    return write(item, await options.loader(item), undefined);
  };
  const worker = async (): Promise<void> => {
    for (;;) {
      if (options.signal?.aborted) return;
      const next = await iterator.next();
      if (next.done === true) return;
      let failure: unknown;
      try {
        await one(next.value);
        result.loaded++;
      } catch (error) {
        failure = error;
        result.failed++;
      }
      progress(result, failure);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { ...result };
}
