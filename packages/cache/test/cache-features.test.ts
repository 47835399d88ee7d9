import { ManualClock } from '@ballast/core/testing';
import { isBallastError } from '@ballast/errors';
import { describe, expect, it, vi } from 'vitest';
import {
  type CacheEntry,
  type CacheLock,
  type CacheTier,
  CorruptEntryError,
  createCache,
  memoryTier,
  redisBus,
  redisTier,
} from '../src/index.js';
import { deferred, mapTier } from './helpers.js';

function codeOf(run: () => unknown): string | false {
  try {
    run();
  } catch (error) {
    return isBallastError(error) && error.code;
  }
  return false;
}

async function codeOfAsync(run: () => Promise<unknown>): Promise<string | false> {
  try {
    await run();
  } catch (error) {
    return isBallastError(error) && error.code;
  }
  return false;
}

describe('createCache: bad input', () => {
  it('rejects empty, over-long and non-string keys with ValidationError', async () => {
    const cache = createCache({ maxKeyLength: 10 });
    for (const key of ['', 'x'.repeat(11), 42 as unknown as string]) {
      expect(await codeOfAsync(() => cache.getOrSet(key, () => 1))).toBe('VALIDATION_FAILED');
      expect(await codeOfAsync(() => cache.get(key))).toBe('VALIDATION_FAILED');
      expect(await codeOfAsync(() => cache.set(key, 1))).toBe('VALIDATION_FAILED');
      expect(await codeOfAsync(() => cache.delete(key))).toBe('VALIDATION_FAILED');
    }
  });

  it('refuses to cache undefined but caches null', async () => {
    const cache = createCache();
    expect(await codeOfAsync(() => cache.set('k', undefined))).toBe('VALIDATION_FAILED');
    await cache.set('n', null);
    expect(await cache.getOrSet('n', () => 'other')).toBeNull();
  });

  it('rejects bad tags, a missing factory and invalid per-call TTLs', async () => {
    const cache = createCache();
    expect(await codeOfAsync(() => cache.set('k', 1, { tags: [''] }))).toBe('VALIDATION_FAILED');
    expect(await codeOfAsync(() => cache.set('k', 1, { tags: 'x' as never }))).toBe('VALIDATION_FAILED');
    expect(await codeOfAsync(() => cache.getOrSet('k', undefined as never))).toBe('VALIDATION_FAILED');
    expect(await codeOfAsync(() => cache.set('k', 1, { ttl: -5 }))).toBe('INVALID_CONFIGURATION');
    expect(await codeOfAsync(() => cache.getOrSet('k', () => 1, { ttl: 'soon' }))).toBe(
      'INVALID_CONFIGURATION',
    );
    expect(await codeOfAsync(() => cache.getOrSet('k', (ctx) => ctx.setTtl('never')))).toBe(
      'INVALID_CONFIGURATION',
    );
    expect(codeOf(() => cache.namespace('a:b'))).toBe('VALIDATION_FAILED');
  });

  it('throws ConfigurationError for invalid options at construction', () => {
    const bad: Parameters<typeof createCache>[0][] = [
      { name: '' },
      { tiers: [] },
      { tiers: [{ name: 'x' } as never] },
      { ttl: 'forever' },
      { grace: -1 },
      { jitter: 2 },
      { earlyRefresh: 0 },
      { adaptiveTtl: { min: '10s', max: '1s' } },
      { timeouts: { soft: '2s', hard: '1s' } },
      { policies: { x: null as never } },
      { policies: { x: { ttl: 'bad' } } },
      { maxKeyLength: 0 },
      { protection: { failures: 0 } },
      { protection: { timeout: 0 } },
      { writeBehind: { maxBatch: 0 } },
      { writeBehind: 'yes' as never },
      { timeouts: '20ms' as never },
      { timeouts: { hard: 0 } },
      { timeouts: { soft: 0 } },
      { bus: {} as never },
      { bus: { publish: () => Promise.resolve(), subscribe: () => {} } as never },
    ];
    for (const options of bad) expect(codeOf(() => createCache(options))).toBe('INVALID_CONFIGURATION');
  });

  it('throws ConfigurationError for invalid tier options at construction', () => {
    const bad = [
      () => memoryTier({ sizeOf: 5 as never }),
      () => memoryTier({ name: '' }),
      () => redisTier({ client: {} as never }),
      () => redisTier({ url: 'redis://127.0.0.1:6379', prefix: '' }),
      () => redisBus({ client: {} as never }),
    ];
    for (const make of bad) expect(codeOf(make)).toBe('INVALID_CONFIGURATION');
    // An empty prefix would let clear() SCAN and delete every key of the database.
    expect(() => redisTier({ url: 'redis://127.0.0.1:6379', prefix: '' })).toThrow(/prefix/);
  });

  it('validates the tags a factory sets like the tags of a call', async () => {
    const cache = createCache();
    for (const tags of ['abc', [''], ['x'.repeat(2_000)], [1]]) {
      const loading = cache.getOrSet('k', (ctx) => {
        ctx.setTags(tags as never);
        return 'v';
      });
      await expect(loading).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    expect(await cache.get('k')).toBeUndefined();
  });
});

describe('createCache: corrupt entries, write-behind, locks', () => {
  it('treats an entry a tier cannot deserialize as a miss and counts it', async () => {
    const l2 = mapTier();
    l2.get = async (key) => {
      throw new CorruptEntryError({ tier: 'remote', key });
    };
    const cache = createCache({ tiers: [memoryTier(), l2] });
    expect(await cache.getOrSet('k', () => 'rebuilt')).toBe('rebuilt');
    expect(cache.stats().tiers[1]).toMatchObject({ corrupt: 1, errors: 0, breaker: 'closed' });
  });

  it('acknowledges writes after L1 and flushes the slower tiers in batches', async () => {
    const clock = new ManualClock();
    const l2 = mapTier();
    const cache = createCache({
      tiers: [memoryTier(), l2],
      clock,
      writeBehind: { flushInterval: 50, maxBatch: 2 },
    });
    await cache.set('a', 1);
    await cache.set('b', 2);
    await cache.set('c', 3);
    await cache.delete('a');
    expect(l2.map.size).toBe(0);
    await clock.advance(50);
    expect([...l2.map.keys()].sort()).toEqual(['b', 'c']);
    await cache.set('d', 4);
    await cache.close();
    expect(l2.map.has('d')).toBe(true);
  });

  it('retries failed write-behind writes and applies backpressure when the queue is full', async () => {
    const clock = new ManualClock();
    const l2 = mapTier();
    const cache = createCache({
      tiers: [memoryTier(), l2],
      clock,
      writeBehind: { flushInterval: 1_000, maxQueue: 2, maxAttempts: 2 },
      protection: { failures: 100 },
    });
    l2.down = true;
    await cache.set('a', 1);
    await cache.set('b', 2);
    l2.down = false;
    await cache.set('c', 3); // queue full: waits for a flush, which succeeds
    expect([...l2.map.keys()].sort()).toEqual(['a', 'b']);
    l2.down = true;
    await cache.set('d', 4);
    await cache.close(); // two failed attempts, then dropped
    expect(l2.map.has('c')).toBe(false);
    expect(cache.stats().tiers[1]!.errors).toBeGreaterThan(0);
  });

  it('runs the factory once across caches sharing a lock tier', async () => {
    const clock = new ManualClock();
    const l2 = mapTier();
    let token = 0;
    const held = new Set<string>();
    l2.lock = async (key): Promise<CacheLock | undefined> => {
      if (held.has(key)) return undefined;
      held.add(key);
      const fencingToken = ++token;
      return { fencingToken, release: async () => void held.delete(key) };
    };
    const a = createCache({ tiers: [memoryTier(), l2], clock });
    const b = createCache({ tiers: [memoryTier(), l2], clock });
    const gate = deferred<string>();
    const tokens: (number | undefined)[] = [];
    const factory = vi.fn((ctx: { fencingToken: number | undefined }) => {
      tokens.push(ctx.fencingToken);
      return gate.promise;
    });
    const first = a.getOrSet('k', factory, { lock: { ttl: 1_000 } });
    await clock.advance(0);
    const second = b.getOrSet('k', factory, { lock: { ttl: 1_000 } });
    await clock.advance(50);
    gate.resolve('v');
    await clock.advance(100);
    expect(await first).toBe('v');
    expect(await second).toBe('v');
    expect(factory).toHaveBeenCalledTimes(1);
    expect(tokens).toEqual([1]);
    expect(held.size).toBe(0);
  });

  it('reads the tier again after taking the lock, since the holder may have just finished', async () => {
    const clock = new ManualClock();
    const l2 = mapTier();
    const other = createCache({ tiers: [l2], clock });
    const take = l2.lock!.bind(l2);
    let attempts = 0;
    l2.lock = async (key, ttl) => {
      // Busy at first; by the second attempt the holder has written its value and let go.
      if (++attempts === 1) return undefined;
      await other.set(key, 'theirs');
      return take(key, ttl);
    };
    const cache = createCache({ tiers: [memoryTier(), l2], clock });
    const factory = vi.fn(() => 'ours');
    const loading = cache.getOrSet('k', factory, { lock: { ttl: 1_000 } });
    await clock.advance(50);
    expect(await loading).toBe('theirs');
    expect(factory).not.toHaveBeenCalled();
    expect(attempts).toBe(2);
    expect(await l2.lock('k', 1_000)).toBeDefined(); // released
  });

  it('runs the factory anyway when the lock is held too long or the lock tier fails', async () => {
    const clock = new ManualClock();
    const l2 = mapTier();
    l2.lock = async () => undefined;
    const cache = createCache({ tiers: [memoryTier(), l2], clock });
    const result = cache.getOrSet('k', () => 'mine', { lock: { ttl: 200 } });
    await clock.advance(300);
    expect(await result).toBe('mine');
    l2.lock = async () => {
      throw new Error('lock failed');
    };
    expect(await cache.getOrSet('j', () => 'also mine', { lock: { ttl: 200 } })).toBe('also mine');
  });
});

describe('createCache: stats, events, wrap, warm', () => {
  it('counts hits, misses, stale and sets per namespace and tier', async () => {
    const cache = createCache({ name: 'app', tiers: [memoryTier(), mapTier()] });
    const users = cache.namespace('users');
    await users.getOrSet('1', () => 'ann');
    await users.getOrSet('1', () => 'ann');
    await cache.get('missing');
    await cache.delete('missing');
    const stats = cache.stats();
    expect(stats).toMatchObject({ name: 'app', hits: 1, misses: 2, sets: 1, deletes: 1, hitRatio: 1 / 3 });
    expect(stats.namespaces.users).toMatchObject({ hits: 1, misses: 1, hitRatio: 0.5 });
    expect(stats.l1).toMatchObject({ entries: 1 });
    expect(stats.l1!.bytes).toBeGreaterThan(0);
    expect(stats.tiers.map((tier) => tier.name)).toEqual(['memory', 'remote']);
    expect(stats.tiers[0]).toMatchObject({ hits: 1, sets: 1 });
  });

  it('has no L1 when the first tier is not in-process', async () => {
    const cache = createCache({ tiers: [mapTier()] });
    await cache.set('k', 1);
    expect(await cache.getOrSet('k', () => 2)).toBe(1);
    expect(await cache.get('k')).toBe(1);
    expect(cache.stats().l1).toBeUndefined();
  });

  it('accepts a synchronous custom tier, passes signals to tiers that take them, and survives non-Error throws', async () => {
    const map = new Map<string, CacheEntry>();
    const signals: unknown[] = [];
    const tier: CacheTier = {
      name: 'sync-custom',
      get: (key: string, signal?: AbortSignal) => {
        signals.push(signal);
        return map.get(key);
      },
      set: (key, entry) => void map.set(key, entry),
      delete: () => {
        throw 'plain string failure';
      },
      clear: () => map.clear(),
    };
    const errors = vi.fn();
    const cache = createCache({ tiers: [memoryTier(), tier] });
    cache.on('error', errors);
    await cache.set('k', 1);
    const other = createCache({ tiers: [memoryTier(), tier] });
    expect(await other.get('k')).toBe(1);
    expect(signals[0]).toBeInstanceOf(AbortSignal);
    await cache.delete('k');
    expect(errors).toHaveBeenCalledWith(
      expect.objectContaining({ operation: 'delete', error: 'plain string failure' }),
    );
  });

  it('lets a get stop waiting for slow tiers through its signal', async () => {
    const slow = mapTier();
    slow.get = () => new Promise(() => {});
    const cache = createCache({ tiers: [memoryTier(), slow] });
    const controller = new AbortController();
    const read = cache.get('k', { signal: controller.signal });
    controller.abort(new Error('gave up'));
    await expect(read).rejects.toThrow('gave up');
  });

  it('emits miss events', async () => {
    const cache = createCache();
    const misses = vi.fn();
    cache.on('miss', misses);
    await cache.getOrSet('k', () => 1);
    expect(misses).toHaveBeenCalledWith({ key: 'k' });
  });

  it('memoizes a function with wrap', async () => {
    const cache = createCache();
    const load = vi.fn(async (id: number) => ({ id }));
    const cached = cache.wrap(load, (id) => `user:${id}`, { ttl: '1m' });
    expect(await cached(1)).toEqual({ id: 1 });
    expect(await cached(1)).toEqual({ id: 1 });
    expect(load).toHaveBeenCalledTimes(1);
    const broken = cache.wrap(load, () => {
      throw new Error('no key');
    });
    await expect(broken(2)).rejects.toThrow('no key');
  });

  it('warms from an async iterable of entries and keys, reporting progress and failures', async () => {
    const cache = createCache();
    const progress = vi.fn();
    const errors = vi.fn();
    cache.on('warm:progress', progress);
    cache.on('error', errors);
    async function* source() {
      yield { key: 'a', value: 'one', ttl: '1m', tags: ['t'] };
      yield 'b';
      yield 'bad';
    }
    const result = await cache.warm(source(), {
      concurrency: 2,
      loader: (key) => {
        if (key === 'bad') throw new Error('cannot load');
        return key.toUpperCase();
      },
    });
    expect(result).toEqual({ loaded: 2, failed: 1 });
    expect(await cache.get('a')).toBe('one');
    expect(await cache.get('b')).toBe('B');
    expect(progress).toHaveBeenCalledTimes(3);
    expect(errors).toHaveBeenCalledWith(expect.objectContaining({ operation: 'warm' }));
    expect(await cache.warm(['x'])).toEqual({ loaded: 0, failed: 1 });
    const controller = new AbortController();
    controller.abort();
    expect(await cache.warm([{ key: 'y', value: 1 }], { signal: controller.signal })).toEqual({
      loaded: 0,
      failed: 0,
    });
  });

  it('closes once, and supports await using', async () => {
    const tier = memoryTier();
    const close = vi.fn();
    const cache = createCache({ tiers: [{ ...tier, close }] });
    await cache[Symbol.asyncDispose]();
    await cache.close();
    expect(close).toHaveBeenCalledTimes(1);
  });
});
