import type { Clock, Duration, EventSource, HealthIndicator } from '@ballast/core';
import type { CacheBus } from './bus/bus.js';
import type { CacheEvents } from './events.js';
import type { Factory } from './factory.js';
import type { CachePolicy } from './policy.js';
import type { CacheStats } from './stats.js';
import type { CacheTier } from './tier.js';
import type { WarmOptions, WarmResult, WarmSource } from './warm.js';

/** Per-call options of `set`. */
export interface SetOptions extends CachePolicy {
  /** Tags for `deleteByTag`. */
  tags?: readonly string[];
}

/** Per-call options of `get`. */
export interface GetOptions {
  /**
   * Also return a stale value (within grace) when no fresh one exists.
   * @defaultValue false
   */
  allowStale?: boolean;
  /** Stops waiting for slower tiers: the read rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** Per-call options of `getOrSet` and `wrap`: a policy override plus call-only settings. */
export interface GetOrSetOptions extends CachePolicy {
  /** Tags given to the value the factory produces. */
  tags?: readonly string[];
  /** Abandons this caller's wait (the shared load goes on for the others). */
  signal?: AbortSignal;
  /**
   * Runs the factory once across processes: the first process takes a lock on the key in
   * the first tier that supports locks (Redis) for `ttl`; the others wait for its value.
   * @defaultValue off (single flight per process only)
   */
  lock?: { ttl: Duration };
}

/** Options of the circuit breaker and timeout that guard every tier that is not in-process. */
export interface TierProtection {
  /**
   * Time limit of one tier operation.
   * @defaultValue '1s'
   */
  timeout?: Duration;
  /**
   * Consecutive failures that open the breaker.
   * @defaultValue 5
   */
  failures?: number;
  /**
   * How long the breaker stays open before letting a probe through.
   * @defaultValue '5s'
   */
  halfOpenAfter?: Duration;
}

/** Write-behind settings: acknowledge after L1, flush slower tiers in batches. */
export interface WriteBehindOptions {
  /** @defaultValue '100ms' */
  flushInterval?: Duration;
  /** @defaultValue 100 */
  maxBatch?: number;
  /** Queue size past which writers wait for a flush (backpressure). @defaultValue 10000 */
  maxQueue?: number;
  /**
   * Attempts per write before it is dropped: counted in `stats().writeBehind.dropped` and
   * reported by a `write-behind:drop` event. @defaultValue 3
   */
  maxAttempts?: number;
}

/** Options for {@link createCache}. */
export interface CacheOptions extends CachePolicy {
  /**
   * Names the cache in stats, metrics (`cache.name`) and bus messages.
   * @defaultValue 'default'
   */
  name?: string;
  /**
   * The tiers, fastest first. An in-process first tier (one with `getSync`) is the L1.
   * @defaultValue [memoryTier()]
   */
  tiers?: readonly CacheTier[];
  /** Policies per namespace (`cache.namespace(name)`): a policy object or just a TTL. */
  policies?: Readonly<Record<string, CachePolicy | Duration>>;
  /** Keeps the in-process tiers of many processes coherent, e.g. `redisBus({ client })`. */
  bus?: CacheBus;
  /** Breaker and timeout for every tier that is not in-process. */
  protection?: TierProtection;
  /** Write-behind instead of write-through for the slower tiers. @defaultValue off */
  writeBehind?: WriteBehindOptions | boolean;
  /** Longest key accepted. @defaultValue 1024 */
  maxKeyLength?: number;
  /** @defaultValue systemClock */
  clock?: Clock;
  /** Source of randomness for jitter, a number in [0, 1). @defaultValue Math.random */
  random?: () => number;
}

/**
 * A tiered cache. All methods validate their input (`ValidationError` for an empty or
 * over-long key, an `undefined` value or a bad tag) and never fail because a tier that is
 * not in-process failed: such failures are counted and reported as `error` events.
 */
export interface Cache extends EventSource<CacheEvents> {
  readonly name: string;
  /** The namespace of this view (`''` for the root). */
  readonly namespaceName: string;
  /** Reads a fresh value (or a stale one with `allowStale`), or `undefined`. */
  get<T = unknown>(key: string, options?: GetOptions): Promise<T | undefined>;
  /** Writes a value through every tier. `undefined` is not cacheable (`null` is). */
  set<T>(key: string, value: T, options?: SetOptions): Promise<void>;
  /**
   * Returns the cached value, or runs `factory` once per key however many callers wait
   * and caches its value. Serves a stale value within grace when the factory fails or is
   * slower than the soft timeout.
   */
  getOrSet<T>(key: string, factory: Factory<T>, options?: GetOrSetOptions): Promise<T>;
  /** Removes a key from every tier and tells other processes. */
  delete(key: string): Promise<void>;
  /** Removes every entry carrying one of `tags` from every tier that keeps tags. */
  deleteByTag(tags: string | readonly string[]): Promise<void>;
  /** Removes everything this cache stored (a namespace view: only its namespace), never FLUSHDB. */
  clear(): Promise<void>;
  /** A view whose keys are prefixed with `name:` and whose policy is `policies[name]`. */
  namespace(name: string): Cache;
  /** Memoizes an async function through `getOrSet`. */
  wrap<A extends unknown[], T>(
    fn: (...args: A) => T | Promise<T>,
    keyOf: (...args: A) => string,
    options?: GetOrSetOptions,
  ): (...args: A) => Promise<T>;
  /** Loads entries ahead of traffic. */
  warm<T>(source: WarmSource<T>, options?: WarmOptions<T>): Promise<WarmResult>;
  /** Counters per tier and namespace. */
  stats(): CacheStats;
  /** Reports the slower tiers: `warn` while a breaker is open, `pass` otherwise. */
  readonly health: HealthIndicator;
  /** Flushes write-behind, stops the bus and closes every tier. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}
