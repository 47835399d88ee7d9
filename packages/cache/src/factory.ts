import type { Duration } from '@ballast/core';

/** What a factory receives. */
export interface FactoryContext<T> {
  /** Aborts when the hard timeout (`timeouts.hard`) passes. */
  readonly signal: AbortSignal;
  /** The previous value (stale, or still fresh during a refresh-ahead), if any. */
  readonly stale: T | undefined;
  /** The fencing token of the cross-process lock, when `lock` is set and was taken. */
  readonly fencingToken: number | undefined;
  /** Overrides the TTL of the value being produced. */
  setTtl(ttl: Duration): void;
  /** Sets the tags of the value being produced (in addition to the call's tags). */
  setTags(tags: readonly string[]): void;
  /** Returns the value to the callers without caching it. */
  skip(): void;
}

/** Produces a value on a miss. Returning `undefined` caches nothing. */
export type Factory<T> = (context: FactoryContext<T>) => T | Promise<T>;
