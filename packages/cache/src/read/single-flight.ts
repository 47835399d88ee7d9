import { abortReason } from '@ballast/core';
import type { CacheEngine } from '../internal/engine.js';
import type { CacheEntry } from '../tier.js';
import { refreshDue } from '../ttl.js';
import { type FactoryRuns, refreshAhead, serveStale, staleFallback } from './fail-safe.js';
import type { ReadCall } from './read-call.js';
import { runFactory } from './run-factory.js';
import { readTiers, type ScanEnd, type TierRead, TierScan } from './tier-scan.js';

/**
 * The read side of a cache and its namespaces: one load per key however many callers
 * wait (single flight), and one factory run per key, whether a load or a background
 * refresh started it. It alone owns both maps.
 *
 * A load reads the tiers (`tier-scan.ts`); on a miss it runs the factory
 * (`run-factory.ts`, with the stampede lock of `stampede-lock.ts`), and with a stale
 * entry at hand it falls back to it (`fail-safe.ts`).
 */
export class SingleFlight implements FactoryRuns, ScanEnd<unknown, ReadCall<unknown>> {
  /** Caller-facing loads in flight, one per key. */
  readonly #loads = new Map<string, Promise<unknown>>();
  /** Factory runs in flight, one per key, including background refreshes. */
  readonly #runs = new Map<string, Promise<unknown>>();

  constructor(readonly engine: CacheEngine) {}

  /** The slow path of `getOrSet`: joins the key's load in flight, or starts one. */
  load<T>(call: ReadCall<T>): Promise<T> {
    const pending = this.#loads.get(call.key) as Promise<T> | undefined;
    if (pending !== undefined) return forCaller(pending, call.signal);
    const loading = new TierScan<T, ReadCall<T>>(this.engine, call.key, this, call).scan();
    this.#loads.set(call.key, loading);
    return forCaller(loading, call.signal);
  }

  /** What the tiers hold for `key` (`get`), without producing anything. */
  read(key: string, signal: AbortSignal | undefined): Promise<TierRead> {
    return forCaller(readTiers(this.engine, key), signal);
  }

  /** Starts a background refresh of a fresh entry past its refresh-ahead point, once per key. */
  refreshAhead<T>(call: ReadCall<T>, current: CacheEntry): void {
    refreshAhead(this.engine, this, call, current);
  }

  running(key: string): boolean {
    return this.#runs.has(key);
  }

  /** Runs the factory once per key (joined by later callers) and writes its value through. */
  start<T>(call: ReadCall<T>, stale: CacheEntry | undefined, previous: CacheEntry | undefined): Promise<T> {
    const run = runFactory(this.engine, call, stale, previous);
    this.#runs.set(call.key, run);
    const done = (): void => {
      if (this.#runs.get(call.key) === run) this.#runs.delete(call.key);
    };
    run.then(done, done);
    return run;
  }

  /** A load's answer on a miss: the factory's value, or the stale one when fail-safe says so. */
  private produce<T>(
    call: ReadCall<T>,
    stale: CacheEntry | undefined,
    previous: CacheEntry | undefined,
  ): Promise<T> {
    const running = this.#runs.get(call.key) as Promise<T> | undefined;
    if (running !== undefined && stale !== undefined) {
      // A background refresh is already on it: the stale value is the best answer now.
      serveStale(this.engine, call, 'soft-timeout', undefined);
      return Promise.resolve(stale.value as T);
    }
    const run = running ?? this.start(call, stale, previous);
    if (stale === undefined) return run;
    return staleFallback(this.engine, call, run, stale);
  }

  /**
   * A load's answer once its tier scan is over (always on a later turn than
   * {@link SingleFlight.load} registered it): the fresh value, or on a miss the produced
   * one. The load ends once the answer is known.
   */
  settle<T>(read: TierRead, call: ReadCall<T>): T | Promise<T> {
    const { engine } = this;
    const fresh = read.fresh;
    if (fresh !== undefined) {
      this.#loads.delete(call.key);
      call.counters.hits++;
      const ratio = call.policy.earlyRefresh;
      if (ratio !== undefined && refreshDue(fresh, engine.clock.now(), ratio)) this.refreshAhead(call, fresh);
      return fresh.value as T;
    }
    call.counters.misses++;
    if (engine.emitter.has('miss')) engine.emitter.emit('miss', { key: call.key });
    const produced = this.produce(call, read.stale, read.previous);
    const finished = (): void => {
      this.#loads.delete(call.key);
    };
    produced.then(finished, finished);
    return produced;
  }

  /** A load whose tier scan threw: ends it, and rejects its callers. */
  fail<T>(call: ReadCall<T>, error: unknown): never {
    this.#loads.delete(call.key);
    throw error;
  }
}

/** Resolves with `promise`, or rejects as soon as the caller's own signal aborts. */
function forCaller<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
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
