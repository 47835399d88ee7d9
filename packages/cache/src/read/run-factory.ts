import { durationOption } from '@ballast/errors';
import type { FactoryContext } from '../factory.js';
import { checkTags } from '../internal/check-tags.js';
import type { CacheEngine } from '../internal/engine.js';
import type { CacheEntry, CacheLock } from '../tier.js';
import { createEntry, nextAdaptiveTtl } from '../ttl.js';
import { holdStale, withHardTimeout } from './fail-safe.js';
import type { ReadCall } from './read-call.js';
import { acquireLock } from './stampede-lock.js';

let deepEqual: ((a: unknown, b: unknown) => boolean) | undefined;

/**
 * Whether adaptive TTL sees an unchanged value: `isDeepStrictEqual` of `node:util`, loaded
 * on first use rather than imported so the package bundles for a browser; where there is no
 * `node:util`, values compare by their JSON text (a reordered object then counts as changed,
 * which only shortens its next TTL).
 */
function sameValue(a: unknown, b: unknown): boolean {
  deepEqual ??= globalThis.process?.getBuiltinModule?.('node:util')?.isDeepStrictEqual ?? sameJson;
  return deepEqual(a, b);
}

function sameJson(a: unknown, b: unknown): boolean {
  try {
    return JSON.stringify(a) === JSON.stringify(b);
  } catch {
    return false;
  }
}

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
  const { watches } = engine;
  const watch = watches.watch(call.key);
  const changes = watch.changes;
  const epoch = watches.epoch;
  const tagSeq = watches.tagSeq;
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
    if (value === undefined || skipped || watches.overtaken(watch, changes, epoch, tagSeq, tags))
      return value;
    let lifetime = ttl ?? call.policy.ttl;
    const adaptive = call.policy.adaptiveTtl;
    if (ttl === undefined && adaptive !== undefined) {
      const changed = previous === undefined || !sameValue(previous.value, value);
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
    if (stale !== undefined && !watches.overtaken(watch, changes, epoch, tagSeq, stale.tags))
      holdStale(engine, call, stale);
    throw error;
  } finally {
    watches.unwatch(call.key, watch);
    if (lock !== undefined) void lock.release();
  }
}
