import { abortReason, type Duration } from '@ballast/core';
import type { CacheEngine } from './internal/engine.js';
import { runFactory } from './internal/factory.js';
import type { ResolvedPolicy } from './policy.js';
import type { NamespaceCounters } from './stats.js';
import type { CacheEntry } from './tier.js';
import { entryState, refreshDue } from './ttl.js';

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

/** One read through the cache: the key with its namespace prefix, and everything resolved. */
export interface ReadCall<T> {
  readonly key: string;
  readonly factory: Factory<T>;
  readonly policy: ResolvedPolicy;
  readonly counters: NamespaceCounters;
  readonly tags: readonly string[];
  /** Cross-process lock TTL in ms, when asked for. */
  readonly lockTtl: number | undefined;
  readonly signal: AbortSignal | undefined;
}

/** What the tiers held for a key. */
export interface TierRead {
  fresh: CacheEntry | undefined;
  stale: CacheEntry | undefined;
  /** The first entry seen in any state: adaptive TTL compares the new value with it. */
  previous: CacheEntry | undefined;
}

/**
 * Reads the tiers in order until one holds a fresh entry, backfilling the faster tiers
 * with it; remembers the first stale entry seen for fail-safe.
 */
export function readTiers(engine: CacheEngine, key: string): Promise<TierRead> {
  return readFrom(engine, key, 0, { fresh: undefined, stale: undefined, previous: undefined });
}

/** One tier of {@link readTiers}: a single continuation per tier, no async machinery. */
function readFrom(engine: CacheEngine, key: string, index: number, read: TierRead): Promise<TierRead> {
  return engine.runner.get(index, key).then((entry) => {
    const counters = engine.runner.counters[index]!;
    if (entry !== undefined) {
      const state = entryState(entry, engine.clock.now());
      if (state === 'fresh') {
        counters.hits++;
        engine.backfill(index, key, entry);
        read.fresh = entry;
        return read;
      }
      read.previous ??= entry;
      if (state === 'stale') read.stale ??= entry;
      else if (index === 0 && engine.l1 !== undefined) engine.l1.delete(key);
    }
    counters.misses++;
    return index + 1 < engine.tiers.length ? readFrom(engine, key, index + 1, read) : read;
  });
}

/** Resolves with `promise`, or rejects as soon as the caller's own signal aborts. */
export function forCaller<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** The slow path of `getOrSet`: one load per key however many callers wait (single flight). */
export function load<T>(engine: CacheEngine, call: ReadCall<T>): Promise<T> {
  const pending = engine.loads.get(call.key) as Promise<T> | undefined;
  if (pending !== undefined) return forCaller(pending, call.signal);
  const loading = readThenProduce(engine, call);
  engine.loads.set(call.key, loading);
  return forCaller(loading, call.signal);
}

/**
 * Reads the tiers, then produces on a miss, removing its own `loads` entry once the
 * answer is known (a continuation, so never before `load` has set it).
 */
function readThenProduce<T>(engine: CacheEngine, call: ReadCall<T>): Promise<T> {
  const { key } = call;
  const finished = (): void => {
    engine.loads.delete(key);
  };
  return readTiers(engine, key).then(
    (read) => {
      const fresh = read.fresh;
      if (fresh !== undefined) {
        engine.loads.delete(key);
        call.counters.hits++;
        const ratio = call.policy.earlyRefresh;
        if (ratio !== undefined && refreshDue(fresh, engine.clock.now(), ratio))
          refreshAhead(engine, call, fresh);
        return fresh.value as T;
      }
      call.counters.misses++;
      if (engine.emitter.has('miss')) engine.emitter.emit('miss', { key });
      const produced = produce(engine, call, read.stale, read.previous);
      produced.then(finished, finished);
      return produced;
    },
    (error: unknown) => {
      finished();
      throw error;
    },
  );
}

/** Starts a background refresh of a fresh entry past its refresh-ahead point, once per key. */
export function refreshAhead<T>(engine: CacheEngine, call: ReadCall<T>, current: CacheEntry): void {
  if (engine.refreshes.has(call.key)) return;
  engine.emitter.emit('refresh', { key: call.key, reason: 'early' });
  startFactory(engine, call, current, current).catch((error: unknown) => {
    engine.emitter.emit('error', { operation: 'refresh', key: call.key, error });
  });
}

function produce<T>(
  engine: CacheEngine,
  call: ReadCall<T>,
  stale: CacheEntry | undefined,
  previous: CacheEntry | undefined,
): Promise<T> {
  const running = engine.refreshes.get(call.key) as Promise<T> | undefined;
  if (running !== undefined && stale !== undefined) {
    // A background refresh is already on it: the stale value is the best answer now.
    serveStale(engine, call, 'soft-timeout', undefined);
    return Promise.resolve(stale.value as T);
  }
  const run = running ?? startFactory(engine, call, stale, previous);
  if (stale === undefined) return run;
  return failSafe(engine, call, run, stale);
}

function serveStale<T>(
  engine: CacheEngine,
  call: ReadCall<T>,
  reason: 'error' | 'soft-timeout',
  error: unknown,
): void {
  call.counters.stale++;
  if (engine.emitter.has('stale')) {
    engine.emitter.emit(
      'stale',
      error === undefined ? { key: call.key, reason } : { key: call.key, reason, error },
    );
  }
}

/** Serves `stale` if the factory fails, or if it is still running after the soft timeout. */
function failSafe<T>(engine: CacheEngine, call: ReadCall<T>, run: Promise<T>, stale: CacheEntry): Promise<T> {
  const soft = call.policy.soft;
  return new Promise<T>((resolve) => {
    let settled = false;
    const timer =
      soft === undefined
        ? undefined
        : engine.clock.setTimeout(() => {
            if (settled) return;
            settled = true;
            serveStale(engine, call, 'soft-timeout', undefined);
            resolve(stale.value as T);
          }, soft);
    run.then(
      (value) => {
        if (settled) return;
        settled = true;
        if (timer !== undefined) engine.clock.clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        if (settled) return;
        settled = true;
        if (timer !== undefined) engine.clock.clearTimeout(timer);
        serveStale(engine, call, 'error', error);
        resolve(stale.value as T);
      },
    );
  });
}

/** Runs the factory once per key (joined by later callers) and writes its value through. */
function startFactory<T>(
  engine: CacheEngine,
  call: ReadCall<T>,
  stale: CacheEntry | undefined,
  previous: CacheEntry | undefined,
): Promise<T> {
  const run = runFactory(engine, call, stale, previous);
  engine.refreshes.set(call.key, run);
  const done = (): void => {
    if (engine.refreshes.get(call.key) === run) engine.refreshes.delete(call.key);
  };
  run.then(done, done);
  return run;
}
