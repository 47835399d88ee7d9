/** A value that may be returned directly or through a promise. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * One cached value with its timing and tags: what every tier stores and returns.
 * Times are epoch milliseconds from the cache's clock.
 */
export interface CacheEntry<T = unknown> {
  /** The cached value; never `undefined` (`null` is a value). */
  readonly value: T;
  /** When the value was produced. */
  readonly createdAt: number;
  /** The entry is fresh while `now < freshUntil`. */
  readonly freshUntil: number;
  /** The entry may be served as stale while `now < staleUntil` (≥ `freshUntil`); a tier may drop it after. */
  readonly staleUntil: number;
  /** The TTL the value was given, before jitter (ms); adaptive TTL grows it from here. */
  readonly ttl: number;
  /** Tags that `deleteByTag` matches. */
  readonly tags: readonly string[];
}

/** A lock held on one key across processes, from {@link CacheTier.lock}. */
export interface CacheLock {
  /**
   * A number that grows with every lock granted on the tier, across `clear()` too: pass it
   * to writers that can reject stale holders.
   */
  readonly fencingToken: number;
  /** Releases the lock if this holder still owns it. Never throws. */
  release(): Promise<void>;
}

/** What a tier knows about itself, shown in `cache.stats()`. */
export interface TierStats {
  /** Entries held now. */
  entries?: number;
  /** Bytes held now (estimated for the memory tier). */
  bytes?: number;
  /** Entries evicted for room since the tier was created. */
  evictions?: number;
}

/**
 * The interface every cache tier implements: the built-in `memoryTier`, `redisTier`
 * and `fileTier`, or your own (a database, a CDN). The cache decides freshness from
 * the entry's times; a tier only stores entries and may drop them once `staleUntil`
 * has passed. Prove a custom tier with `cacheTierContract` from `@ballast/cache/testing`.
 *
 * Errors thrown by a tier that is not in-process are counted, trip its circuit
 * breaker and are never thrown to the cache's callers.
 */
export interface CacheTier {
  /** A short name for stats, metrics and errors, e.g. `'memory'`, `'redis'`. */
  readonly name: string;
  /**
   * Whether other processes read and write this tier (Redis, a database). Invalidation
   * messages from the bus drop keys only from tiers that are not shared.
   * @defaultValue false
   */
  readonly shared?: boolean;
  /**
   * Reads an entry synchronously. In-process tiers implement it so that a hit costs
   * no promise; a tier that has it is used as L1 and runs without breaker or timeout.
   */
  getSync?(key: string): CacheEntry | undefined;
  /** Reads an entry, or `undefined` when the tier does not hold the key. */
  get(key: string, signal?: AbortSignal): MaybePromise<CacheEntry | undefined>;
  /**
   * Stores an entry, replacing any previous one and its tags. Writes and deletes of one key
   * must take effect in call order, even when the cache makes the next before the previous
   * one has settled: the last call wins.
   */
  set(key: string, entry: CacheEntry, signal?: AbortSignal): MaybePromise<void>;
  /** Removes a key; removing a missing key is not an error. */
  delete(key: string, signal?: AbortSignal): MaybePromise<void>;
  /** Removes every entry carrying `tag`. A tier without it is skipped by `deleteByTag`. */
  deleteByTag?(tag: string, signal?: AbortSignal): MaybePromise<void>;
  /** Removes every entry this tier stores for this cache (and nothing else). */
  clear(signal?: AbortSignal): MaybePromise<void>;
  /**
   * Takes a lock on `key` for `ttl` ms if nobody holds it, for cross-process single
   * flight (`getOrSet(…, { lock })`); resolves `undefined` when another holder has it.
   */
  lock?(key: string, ttl: number, signal?: AbortSignal): Promise<CacheLock | undefined>;
  /** Counts shown in `cache.stats()`. */
  stats?(): TierStats;
  /** Releases connections, timers and files the tier owns. */
  close?(): MaybePromise<void>;
}
