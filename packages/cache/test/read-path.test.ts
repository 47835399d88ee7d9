import { ManualClock } from '@ballast/core/testing';
import { describe, expect, it } from 'vitest';
import { type CacheEntry, type CacheEvents, type CacheTier, createCache } from '../src/index.js';

/** An in-process tier (read synchronously) whose reads throw while `broken` is set. */
function brittleTier(): CacheTier & { broken: boolean; map: Map<string, CacheEntry> } {
  const map = new Map<string, CacheEntry>();
  const tier = {
    name: 'brittle',
    broken: true,
    map,
    getSync(key: string) {
      if (tier.broken) throw new Error('brittle read');
      return map.get(key);
    },
    get: (key: string) => tier.getSync(key),
    set: (key: string, entry: CacheEntry) => {
      map.set(key, entry);
    },
    delete: (key: string) => {
      map.delete(key);
    },
    clear: () => map.clear(),
  };
  return tier;
}

describe('read path failures', () => {
  it('counts an in-process tier whose read throws as a miss for get, and reports it', async () => {
    const tier = brittleTier();
    const cache = createCache({ tiers: [tier], clock: new ManualClock({ now: 1_000 }), ttl: '1m' });
    const errors: CacheEvents['error'][] = [];
    cache.on('error', (event) => errors.push(event));
    await cache.set('k', 'v');
    await expect(cache.get('k')).resolves.toBeUndefined();
    expect(errors).toEqual([
      { operation: 'get', tier: 'brittle', key: 'k', error: new Error('brittle read') },
    ]);
    expect(cache.stats().tiers[0]).toMatchObject({ misses: 1, errors: 1 });
    tier.broken = false;
    await expect(cache.get('k')).resolves.toBe('v');
  });

  it('never throws from getOrSet when an in-process tier read throws: a miss, the factory runs, the error is reported', async () => {
    const tier = brittleTier();
    const cache = createCache({ tiers: [tier], clock: new ManualClock({ now: 1_000 }), ttl: '1m' });
    const errors: CacheEvents['error'][] = [];
    cache.on('error', (event) => errors.push(event));
    let pending: Promise<string> | undefined;
    expect(() => {
      pending = cache.getOrSet('k', async () => 'made');
    }).not.toThrow();
    await expect(pending).resolves.toBe('made');
    expect(errors.map((e) => [e.operation, e.tier])).toEqual([['get', 'brittle']]);
  });

  it("rejects with the factory's own error, not a timeout, when it fails before the hard timeout", async () => {
    const cache = createCache({ clock: new ManualClock({ now: 1_000 }) });
    const failing = (): never => {
      throw new Error('source down');
    };
    await expect(cache.getOrSet('k', failing, { timeouts: { hard: '1s' } })).rejects.toThrow('source down');
    expect(cache.stats().namespaces['']?.errors).toBe(1);
  });

  it("gives a caller with its own signal the load's failure, and the next call starts afresh", async () => {
    const cache = createCache({ clock: new ManualClock({ now: 1_000 }) });
    const signal = new AbortController().signal;
    await expect(
      cache.getOrSet(
        'k',
        () => {
          throw new Error('first try fails');
        },
        { signal },
      ),
    ).rejects.toThrow('first try fails');
    await expect(cache.getOrSet('k', () => 'second', { signal })).resolves.toBe('second');
  });
});
