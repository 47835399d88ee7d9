import { ManualClock } from '@ballast/core/testing';
import { describe, expect, it, vi } from 'vitest';
import { type CacheEntry, type CacheTier, createCache, memoryTier } from '../src/index.js';
import { encodeEntry } from '../src/internal/envelope.js';
import { SPLIT_READ, type SplitRead } from '../src/internal/split-read.js';
import { jsonSerializer } from '../src/serializer.js';
import { deferred, mapTier } from './helpers.js';

/** A remote tier over a map of strings that also offers the split read the Redis tier has. */
function splitTier(fetch: SplitRead['fetch']) {
  const base = mapTier('split');
  const split: SplitRead = {
    fetch,
    decode: (raw) => (raw === null ? undefined : (JSON.parse(raw) as CacheEntry)),
  };
  const get = vi.fn(base.get);
  const tier: CacheTier = Object.assign(base, { get, [SPLIT_READ]: split });
  return { tier, get, base };
}

const entry = (value: unknown, now: number): CacheEntry => ({
  value,
  createdAt: now,
  freshUntil: now + 60_000,
  staleUntil: now + 60_000,
  ttl: 60_000,
  tags: [],
});

describe('split reads', () => {
  it('decode in the read that the breaker and timeout guard', async () => {
    const clock = new ManualClock({ now: 1_000 });
    const { tier, get } = splitTier(async () => JSON.stringify(entry('from-split', clock.now())));
    const cache = createCache({ tiers: [memoryTier(), tier], clock });
    expect(await cache.getOrSet('k', () => 'from-factory')).toBe('from-split');
    expect(get).not.toHaveBeenCalled();
    expect(cache.stats().tiers[1]).toMatchObject({ hits: 1, errors: 0 });
  });

  it('fall back to get when the tier cannot fetch right now', async () => {
    const clock = new ManualClock({ now: 1_000 });
    const { tier, get, base } = splitTier(() => undefined);
    base.map.set('k', entry('from-get', clock.now()));
    const cache = createCache({ tiers: [tier], clock });
    expect(await cache.getOrSet('k', () => 'from-factory')).toBe('from-get');
    expect(get).toHaveBeenCalledTimes(1);
  });

  it('time out on the shared timer and ignore a late answer', async () => {
    const clock = new ManualClock({ now: 1_000 });
    const late = deferred<string | null>();
    const { tier } = splitTier(() => late.promise);
    const cache = createCache({ tiers: [tier], clock, protection: { timeout: 100 } });
    const errors = vi.fn();
    cache.on('error', errors);
    const result = cache.getOrSet('k', () => 'from-factory');
    await clock.advance(100);
    expect(await result).toBe('from-factory');
    late.resolve(encodeEntry(entry('too-late', clock.now()), jsonSerializer));
    await clock.advance(0);
    expect(errors).toHaveBeenCalledWith(expect.objectContaining({ operation: 'get', tier: 'split' }));
    // The write-back was skipped, not waited for: the request paid one timeout, not two.
    expect(errors).toHaveBeenCalledWith(expect.objectContaining({ operation: 'set', tier: 'split' }));
    expect(cache.stats().tiers[0]).toMatchObject({ hits: 0, misses: 1, errors: 2 });
  });

  it('count a failed fetch or decode as a tier error', async () => {
    const clock = new ManualClock({ now: 1_000 });
    const { tier } = splitTier(() => Promise.resolve('{not json'));
    const cache = createCache({ tiers: [tier], clock });
    expect(await cache.getOrSet('k', () => 'from-factory')).toBe('from-factory');
    const throwing = splitTier(() => {
      throw new Error('fetch threw');
    });
    const other = createCache({ tiers: [throwing.tier], clock });
    expect(await other.getOrSet('k', () => 'from-factory')).toBe('from-factory');
    expect(cache.stats().tiers[0]!.errors).toBe(1);
    expect(other.stats().tiers[0]!.errors).toBe(1);
  });
});
