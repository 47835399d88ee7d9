import { isDeepStrictEqual } from 'node:util';
import { durationOption, TimeoutError } from '@ballast/errors';
import type { FactoryContext, ReadCall } from '../get-or-set.js';
import type { CacheEntry, CacheLock } from '../tier.js';
import { createEntry, entryState, nextAdaptiveTtl } from '../ttl.js';
import type { CacheEngine } from './engine.js';
import { checkTags } from './tags.js';

/**
 * Runs a factory for one key: takes the cross-process lock when asked, enforces the hard
 * timeout, computes the TTL (per call, from the factory, or adaptive) and writes the value
 * through every tier, unless the key changed meanwhile. On failure with a stale value at
 * hand, holds it (fail-safe throttle).
 */
export async function runFactory<T>(
  engine: CacheEngine,
  call: ReadCall<T>,
  stale: CacheEntry | undefined,
  previous: CacheEntry | undefined,
): Promise<T> {
  let ttl: number | undefined;
  let tags = call.tags;
  let skipped = false;
  let lock: CacheLock | undefined;
  // A set, delete or invalidation of the key while the factory runs is newer than what
  // the factory read from its source: the value then goes to the callers, not the cache.
  const watch = engine.watch(call.key);
  const changes = watch.changes;
  const epoch = engine.epoch;
  const tagSeq = engine.tagSeq;
  try {
    if (call.lockTtl !== undefined && engine.lockTier >= 0) {
      const outcome = await acquireLock(engine, call.key, call.lockTtl);
      if ('entry' in outcome) return outcome.entry.value as T;
      lock = outcome.lock;
    }
    const controller = new AbortController();
    const context: FactoryContext<T> = {
      signal: controller.signal,
      stale: stale?.value as T | undefined,
      fencingToken: lock?.fencingToken,
      setTtl: (value) => {
        ttl = durationOption('setTtl', value);
      },
      setTags: (extra) => {
        tags = [...call.tags, ...checkTags(extra, engine.maxKeyLength)];
      },
      skip: () => {
        skipped = true;
      },
    };
    const value = await withHardTimeout(engine, call, controller, () => call.factory(context));
    if (value === undefined || skipped || engine.overtaken(watch, changes, epoch, tagSeq, tags)) return value;
    let lifetime = ttl ?? call.policy.ttl;
    const adaptive = call.policy.adaptiveTtl;
    if (ttl === undefined && adaptive !== undefined) {
      const changed = previous === undefined || !isDeepStrictEqual(previous.value, value);
      lifetime = nextAdaptiveTtl(previous?.ttl, changed, adaptive);
    }
    const { grace, jitter } = call.policy;
    const entry = createEntry(value, tags, {
      now: engine.clock.now(),
      ttl: lifetime,
      grace,
      jitter,
      random: jitter === 0 ? 0 : engine.random(),
    });
    call.counters.sets++;
    await engine.write(call.key, entry);
    return value;
  } catch (error) {
    call.counters.errors++;
    if (stale !== undefined && !engine.overtaken(watch, changes, epoch, tagSeq, stale.tags))
      holdStale(engine, call, stale);
    throw error;
  } finally {
    engine.unwatch(call.key, watch);
    if (lock !== undefined) void lock.release();
  }
}

/**
 * Fail-safe throttle: keeps serving a stale value from L1 for `retryAfter` after the
 * factory failed, so the failing source is not called on every request.
 */
function holdStale<T>(engine: CacheEngine, call: ReadCall<T>, stale: CacheEntry): void {
  const now = engine.clock.now();
  const until = Math.min(now + call.policy.retryAfter, stale.staleUntil);
  if (engine.l1 === undefined || until <= now || stale.freshUntil > now) return;
  engine.l1.set(call.key, { ...stale, createdAt: now, freshUntil: until });
}

function withHardTimeout<T>(
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

type LockOutcome = { lock: CacheLock | undefined } | { entry: CacheEntry };

/**
 * Takes the cross-process lock for a key, or waits (polling the lock tier) for the
 * holder's value. Gives up waiting after `ttl` and runs the factory anyway; a failing
 * lock tier never blocks the factory.
 */
async function acquireLock(engine: CacheEngine, key: string, ttl: number): Promise<LockOutcome> {
  const index = engine.lockTier;
  const deadline = engine.clock.now() + ttl;
  const poll = Math.max(5, Math.min(100, Math.floor(ttl / 20)));
  for (;;) {
    const attempt = await engine.runner.lock(index, key, ttl);
    if (attempt === 'failed') return { lock: undefined };
    if (attempt !== 'busy') {
      // The previous holder may have written the value and released the lock since this
      // process last looked: check before running the factory a second time.
      const entry = await freshIn(engine, index, key);
      if (entry === undefined) return attempt;
      void attempt.lock.release();
      return { entry };
    }
    if (engine.clock.now() >= deadline) return { lock: undefined };
    await engine.clock.sleep(poll);
    const entry = await freshIn(engine, index, key);
    if (entry !== undefined) return { entry };
  }
}

/** The fresh entry tier `index` holds for `key`, backfilled into the faster tiers. */
async function freshIn(engine: CacheEngine, index: number, key: string): Promise<CacheEntry | undefined> {
  const entry = await engine.runner.get(index, key);
  if (entry === undefined || entryState(entry, engine.clock.now()) !== 'fresh') return undefined;
  engine.backfill(index, key, entry);
  return entry;
}
