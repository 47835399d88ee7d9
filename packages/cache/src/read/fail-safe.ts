import { TimeoutError } from '@ballast/errors';
import type { CacheEngine } from '../internal/engine.js';
import type { CacheEntry } from '../tier.js';
import type { ReadCall } from './read-call.js';

// Fail-safe: how the read path keeps answering when the source is slow or failing.
//
// - stale serving: a stale entry (past its TTL, within its grace) is served when the
//   factory fails or outlasts the soft timeout (`staleFallback`);
// - the hard timeout aborts a factory and fails its run (`withHardTimeout`);
// - the fail-safe throttle keeps serving a stale value for `retryAfter` after a failure
//   (`holdStale`);
// - refresh-ahead produces a new value in the background before the entry goes stale
//   (`refreshAhead`).

/** Factory runs in flight, one per key, owned by the single flight (`single-flight.ts`). */
export interface FactoryRuns {
  /** Whether a factory run of `key` is in flight. */
  running(key: string): boolean;
  /** Starts a factory run of `call.key`, joined by later callers until it settles. */
  start<T>(call: ReadCall<T>, stale: CacheEntry | undefined, previous: CacheEntry | undefined): Promise<T>;
}

/** Counts and reports a stale value served in place of a fresh one. */
export function serveStale<T>(
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
export function staleFallback<T>(
  engine: CacheEngine,
  call: ReadCall<T>,
  run: Promise<T>,
  stale: CacheEntry,
): Promise<T> {
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

/** Runs `factory` on a later turn; past the hard timeout, aborts `controller` and rejects. */
export function withHardTimeout<T>(
  engine: CacheEngine,
  call: ReadCall<T>,
  controller: AbortController,
  factory: () => T | Promise<T>,
): Promise<T> {
  const hard = call.policy.hard;
  if (hard === undefined) return Promise.resolve().then(factory);
  return new Promise<T>((resolve, reject) => {
    const timer = engine.clock.setTimeout(() => {
      const error = new TimeoutError(`The factory for "${call.key}" did not finish within ${hard} ms`, {
        details: { key: call.key, timeoutMs: hard },
      });
      controller.abort(error);
      reject(error);
    }, hard);
    Promise.resolve()
      .then(factory)
      .then(
        (value) => {
          engine.clock.clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          engine.clock.clearTimeout(timer);
          reject(error);
        },
      );
  });
}

/**
 * Fail-safe throttle: keeps serving a stale value from L1 for `retryAfter` after the
 * factory failed, so the failing source is not called on every request.
 */
export function holdStale<T>(engine: CacheEngine, call: ReadCall<T>, stale: CacheEntry): void {
  const now = engine.clock.now();
  const until = Math.min(now + call.policy.retryAfter, stale.staleUntil);
  if (engine.l1 === undefined || until <= now || stale.freshUntil > now) return;
  engine.l1.set(call.key, { ...stale, createdAt: now, freshUntil: until });
}

/**
 * Refresh-ahead: starts a background factory run for a fresh entry past its refresh-ahead
 * point (`earlyRefresh`), once per key; the callers keep the current value meanwhile, and
 * a failure is only reported.
 */
export function refreshAhead<T>(
  engine: CacheEngine,
  runs: FactoryRuns,
  call: ReadCall<T>,
  current: CacheEntry,
): void {
  if (runs.running(call.key)) return;
  engine.emitter.emit('refresh', { key: call.key, reason: 'early' });
  runs.start(call, current, current).catch((error: unknown) => {
    engine.emitter.emit('error', { operation: 'refresh', key: call.key, error });
  });
}
