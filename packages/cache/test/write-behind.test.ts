import { ManualClock } from '@ballast/core/testing';
import { describe, expect, it, vi } from 'vitest';
import { type CacheEntry, createCache, memoryTier } from '../src/index.js';
import { deferred, mapTier } from './helpers.js';

/** A write-behind cache over a map tier whose writes of the keys in `failing` fail once each. */
function setup(failing: string[] = [], options: { maxQueue?: number; maxEntries?: number } = {}) {
  const clock = new ManualClock();
  const l2 = mapTier();
  const left = new Set(failing);
  l2.failWrite = (_operation, key) => left.delete(key);
  const cache = createCache({
    tiers: [memoryTier({ maxEntries: options.maxEntries ?? 1_000 }), l2],
    clock,
    ttl: '1h',
    grace: '1h',
    writeBehind: { flushInterval: 50, maxQueue: options.maxQueue ?? 100 },
    protection: { failures: 100 },
  });
  return { cache, clock, l2 };
}

describe('write-behind: the last write of a key wins', () => {
  it('does not resurrect a deleted key when an older set failed', async () => {
    const { cache, clock, l2 } = setup(['k']);
    await cache.set('k', 'v1');
    await cache.delete('k');
    await clock.advance(50);
    await clock.advance(50);
    expect(l2.map.has('k')).toBe(false);
    expect(await cache.get('k')).toBeUndefined();
  });

  it('does not bring a key back after clear() or deleteByTag() when their flush failed to write it', async () => {
    const { cache, clock, l2 } = setup(['cleared', 'tagged']);
    await cache.set('cleared', 'v');
    await cache.clear(); // its flush fails to write 'cleared' once
    await cache.set('tagged', 'v', { tags: ['t'] });
    await cache.set('kept', 'v', { tags: ['other'] });
    await cache.deleteByTag('t'); // its flush fails to write 'tagged' once, writes 'kept'
    await clock.advance(50);
    await clock.advance(50);
    expect([...l2.map.keys()]).toEqual(['kept']);
    expect(cache.stats().writeBehind).toMatchObject({ queued: 0, dropped: 0 });
  });

  it('deleteByTag() never uncovers an older untagged version of a key whose tagged set failed', async () => {
    const { cache, clock, l2 } = setup();
    await cache.set('k', 'v1');
    await clock.advance(50); // v1 reaches the slower tier, untagged
    const left = new Set(['k']);
    l2.failWrite = (_operation, key) => left.delete(key);
    await cache.set('k', 'v2', { tags: ['t'] });
    await cache.deleteByTag('t'); // its flush fails to write v2
    await clock.advance(50);
    expect(l2.map.has('k')).toBe(false);
    expect(await cache.get('k')).toBeUndefined();
    expect(cache.stats().writeBehind).toMatchObject({ queued: 0, superseded: 1 });
  });

  it('never lets a failed older set overwrite a newer one', async () => {
    const { cache, clock, l2 } = setup(['j']);
    await cache.set('j', 'v1');
    await cache.set('j', 'v2');
    await clock.advance(50);
    await clock.advance(50);
    expect(await cache.get('j')).toBe('v2');
    expect(l2.map.get('j')?.value).toBe('v2');
  });

  it('drops the retry of a write that failed while a newer write of its key was queued', async () => {
    const { cache, clock, l2 } = setup();
    const gate = deferred<void>();
    const written: unknown[] = [];
    const set = l2.set.bind(l2);
    l2.set = async (key: string, entry: CacheEntry) => {
      written.push(entry.value);
      if (entry.value === 'v1') {
        await gate.promise;
        throw new Error('remote is down');
      }
      return set(key, entry);
    };
    await cache.set('k', 'v1');
    await clock.advance(50); // the write of v1 is in flight
    await cache.set('k', 'v2');
    gate.resolve();
    await cache.close();
    expect(written).toEqual(['v1', 'v2']);
    expect(l2.map.get('k')?.value).toBe('v2');
  });

  it('lets a retried write through when nothing newer came for its key', async () => {
    const { cache, clock, l2 } = setup(['k']);
    await cache.set('k', 'v1');
    await clock.advance(50);
    expect(l2.map.has('k')).toBe(false);
    await clock.advance(50);
    expect(l2.map.get('k')?.value).toBe('v1');
  });

  it('answers reads from its own queued writes, not from the older copy in the slower tiers', async () => {
    const { cache, clock, l2 } = setup([], { maxEntries: 1 });
    await cache.set('k', 'old');
    await clock.advance(50);
    await cache.delete('k');
    expect(await cache.get('k')).toBeUndefined();
    expect(await cache.getOrSet('k', () => 'rebuilt')).toBe('rebuilt');
    await cache.set('k', 'new');
    await cache.set('evicts-k', 1); // L1 holds one entry: k now lives only in the queue
    expect(await cache.get('k')).toBe('new');
    expect(l2.map.get('k')?.value).toBe('old');
    await clock.advance(50);
    expect(l2.map.get('k')?.value).toBe('new');
  });

  it('serves a queued write that went stale only as a stale value', async () => {
    const { cache, clock } = setup([], { maxEntries: 1 });
    await cache.set('k', 'v', { ttl: 10 });
    await cache.set('evicts-k', 1);
    await clock.advance(20); // the interval has not fired: still queued, now stale
    expect(await cache.get('k')).toBeUndefined();
    expect(await cache.get('k', { allowStale: true })).toBe('v');
  });

  it('admits writers waiting on a full queue in call order', async () => {
    const { cache, clock, l2 } = setup([], { maxQueue: 1 });
    await cache.set('a', 1);
    const first = cache.set('k', 'v1'); // waits for room
    const second = cache.set('k', 'v2'); // queued behind the first
    await clock.advance(50);
    await Promise.all([first, second]);
    await cache.close();
    expect(l2.map.get('k')?.value).toBe('v2');
    expect(l2.map.get('a')?.value).toBe(1);
  });
});

describe('write-behind: after close()', () => {
  it('writes straight through instead of queueing where nothing would flush', async () => {
    const { cache, l2 } = setup();
    await cache.set('before', 1);
    await cache.close();
    expect(l2.map.get('before')?.value).toBe(1);
    await cache.set('after', 2);
    expect(l2.map.get('after')?.value).toBe(2);
    await cache.delete('before');
    expect(l2.map.has('before')).toBe(false);
    expect(cache.stats().writeBehind).toMatchObject({ queued: 0 });
  });
});

describe('write-behind: stats and events', () => {
  it('counts queued, flushed, failed, superseded and dropped writes and reports each drop', async () => {
    const clock = new ManualClock();
    const l2 = mapTier();
    const cache = createCache({
      tiers: [memoryTier(), l2],
      clock,
      writeBehind: { flushInterval: 50, maxAttempts: 2 },
      protection: { failures: 100 },
    });
    const dropped = vi.fn();
    cache.on('write-behind:drop', dropped);
    expect(createCache().stats().writeBehind).toBeUndefined();
    await cache.set('a', 1);
    await cache.set('a', 2); // replaces the queued write of a
    await cache.delete('b');
    expect(cache.stats().writeBehind).toEqual({
      queued: 2,
      flushed: 0,
      failed: 0,
      dropped: 0,
      superseded: 1,
    });
    await clock.advance(50);
    expect(cache.stats().writeBehind).toEqual({
      queued: 0,
      flushed: 2,
      failed: 0,
      dropped: 0,
      superseded: 1,
    });
    l2.failWrite = (_operation, key) => key === 'c';
    await cache.set('c', 3);
    await clock.advance(50); // first attempt fails, queued again
    expect(cache.stats().writeBehind).toMatchObject({ queued: 1, failed: 1, dropped: 0 });
    expect(dropped).not.toHaveBeenCalled();
    await clock.advance(50); // second (last) attempt fails: dropped
    expect(cache.stats().writeBehind).toEqual({
      queued: 0,
      flushed: 2,
      failed: 2,
      dropped: 1,
      superseded: 1,
    });
    expect(dropped).toHaveBeenCalledExactlyOnceWith({ key: 'c', operation: 'set', attempts: 2 });
    expect(l2.map.has('c')).toBe(false);
    await cache.close();
  });
});
