import type { Duration, EventSource, HealthIndicator } from '@ballast/core';
import { ValidationError } from '@ballast/errors';
import type { CacheEvents } from './events.js';
import type { Factory } from './factory.js';
import { checkTags } from './internal/check-tags.js';
import type { CacheEngine } from './internal/engine.js';
import type { Cache, GetOptions, GetOrSetOptions, SetOptions } from './options.js';
import { type CachePolicy, type ResolvedPolicy, resolvePolicy } from './policy.js';
import type { ReadCall } from './read/read-call.js';
import type { SingleFlight } from './read/single-flight.js';
import type { CacheStats } from './stats.js';
import type { CacheEntry } from './tier.js';
import { createEntry, refreshDue } from './ttl.js';
import { runWarm } from './warm.js';

/** What every view shares with the root cache. */
export interface RootParts {
  readonly policies: ReadonlyMap<string, ResolvedPolicy>;
  readonly on: EventSource<CacheEvents>['on'];
  readonly stats: () => CacheStats;
  readonly health: HealthIndicator;
  readonly close: () => Promise<void>;
}

/** The tag every entry of a namespace carries, so that a namespace can be cleared. */
export function namespaceTag(namespace: string): string {
  return `@ns:${namespace}`;
}

function invalidKey(key: unknown, max: number): Error {
  const shown = typeof key === 'string' ? `a string of ${key.length} characters` : typeof key;
  return new ValidationError(`Invalid cache key: got ${shown}; expected a string of 1 to ${max} characters`, {
    details: { maxKeyLength: max },
  });
}

const POLICY_KEYS = [
  'ttl',
  'grace',
  'jitter',
  'adaptiveTtl',
  'earlyRefresh',
  'timeouts',
  'retryAfter',
] as const;

function overrides(options: CachePolicy): boolean {
  for (const key of POLICY_KEYS) if (options[key] !== undefined) return true;
  return false;
}

/**
 * Builds the public cache object for one namespace: checks each call's arguments, answers
 * an L1 fresh hit of `getOrSet` with no await, no span and no allocation beyond the
 * returned promise, and hands every other read to the single flight (`read/`) and every
 * write to the engine.
 */
export function createView(
  engine: CacheEngine,
  flight: SingleFlight,
  namespace: string,
  policy: ResolvedPolicy,
  root: RootParts,
): Cache {
  const prefix = namespace === '' ? '' : `${namespace}:`;
  const baseTags: readonly string[] = namespace === '' ? [] : [namespaceTag(namespace)];
  const counters = engine.counters(namespace);
  const { l1, l1Counters, clock, maxKeyLength } = engine;
  const children = new Map<string, Cache>();

  const policyFor = (options: CachePolicy | undefined): ResolvedPolicy =>
    options === undefined || !overrides(options) ? policy : resolvePolicy(policy, options, 'options');
  const tagsFor = (tags: readonly string[] | undefined): readonly string[] => {
    const own = checkTags(tags, maxKeyLength);
    return own.length === 0 ? baseTags : [...baseTags, ...own];
  };
  const badKey = (key: unknown): boolean =>
    typeof key !== 'string' || key.length === 0 || key.length > maxKeyLength;
  const call = <T>(key: string, factory: Factory<T>, options: GetOrSetOptions | undefined): ReadCall<T> => ({
    key,
    factory,
    policy: policyFor(options),
    counters,
    tags: tagsFor(options?.tags),
    lockTtl:
      options?.lock === undefined ? undefined : resolvePolicy(policy, { ttl: options.lock.ttl }, 'lock').ttl,
    signal: options?.signal,
  });

  const view: Cache = {
    name: engine.name,
    namespaceName: namespace,
    getOrSet<T>(key: string, factory: Factory<T>, options?: GetOrSetOptions): Promise<T> {
      if (badKey(key)) return Promise.reject(invalidKey(key, maxKeyLength));
      const full = prefix === '' ? key : prefix + key;
      if (l1 !== undefined) {
        let entry: CacheEntry | undefined;
        try {
          entry = l1.getSync!(full);
        } catch {
          entry = undefined; // the tier scan reads it again and reports the error
        }
        if (entry !== undefined) {
          const now = clock.now();
          if (now < entry.freshUntil) {
            counters.hits++;
            l1Counters!.hits++;
            const ratio = options?.earlyRefresh ?? policy.earlyRefresh;
            if (ratio !== undefined && refreshDue(entry, now, ratio) && !flight.running(full)) {
              flight.refreshAhead(call(full, factory, options), entry);
            }
            return Promise.resolve(entry.value as T);
          }
        }
      }
      if (typeof factory !== 'function') {
        return Promise.reject(new ValidationError('getOrSet needs a factory function'));
      }
      try {
        return flight.load(call(full, factory, options));
      } catch (error) {
        return Promise.reject(error);
      }
    },

    async get<T>(key: string, options?: GetOptions): Promise<T | undefined> {
      if (badKey(key)) throw invalidKey(key, maxKeyLength);
      const full = prefix + key;
      const { fresh, stale } = await flight.read(full, options?.signal);
      if (fresh !== undefined) {
        counters.hits++;
        return fresh.value as T;
      }
      counters.misses++;
      return options?.allowStale === true ? (stale?.value as T | undefined) : undefined;
    },

    async set<T>(key: string, value: T, options?: SetOptions): Promise<void> {
      if (badKey(key)) throw invalidKey(key, maxKeyLength);
      if (value === undefined) {
        throw new ValidationError(`Cannot cache undefined for "${key}"; use null to cache "nothing"`);
      }
      const resolved = policyFor(options);
      const entry = createEntry(value, tagsFor(options?.tags), {
        now: clock.now(),
        ttl: resolved.ttl,
        grace: resolved.grace,
        jitter: resolved.jitter,
        random: resolved.jitter === 0 ? 0 : engine.random(),
      });
      counters.sets++;
      await engine.write(prefix + key, entry);
    },

    async delete(key: string): Promise<void> {
      if (badKey(key)) throw invalidKey(key, maxKeyLength);
      counters.deletes++;
      await engine.delete(prefix + key);
    },

    async deleteByTag(tags: string | readonly string[]): Promise<void> {
      const list = checkTags(typeof tags === 'string' ? [tags] : tags, maxKeyLength);
      if (list.length > 0) await engine.deleteByTags(list);
    },

    async clear(): Promise<void> {
      if (namespace === '') await engine.clear();
      else await engine.deleteByTags(baseTags);
    },

    namespace(name: string): Cache {
      if (typeof name !== 'string' || name.length === 0 || name.includes(':')) {
        throw new ValidationError(
          `Invalid namespace ${JSON.stringify(name)}: expected a non-empty string without ":"`,
        );
      }
      let child = children.get(name);
      if (child === undefined) {
        const full = prefix === '' ? name : `${namespace}:${name}`;
        child = createView(
          engine,
          flight,
          full,
          root.policies.get(full) ?? root.policies.get(name) ?? policy,
          root,
        );
        children.set(name, child);
      }
      return child;
    },

    wrap(fn, keyOf, options) {
      return (...args) => {
        let key: string;
        try {
          key = keyOf(...args);
        } catch (error) {
          return Promise.reject(error);
        }
        return view.getOrSet(key, () => fn(...args), options);
      };
    },

    warm(source, options = {}) {
      return runWarm(
        source,
        options,
        (key, value, ttl: Duration | undefined, tags) =>
          view.set(key, value, {
            ...(ttl === undefined ? {} : { ttl }),
            ...(tags === undefined ? {} : { tags }),
          }),
        (progress, error) => {
          if (error !== undefined) engine.emitter.emit('error', { operation: 'warm', error });
          engine.emitter.emit('warm:progress', { ...progress });
        },
      );
    },

    on: root.on,
    stats: root.stats,
    health: root.health,
    close: root.close,
    [Symbol.asyncDispose]: root.close,
  };
  return view;
}
