import { isBallastError } from '@ballast/errors';
import { describe, expect, it } from 'vitest';
import { type CacheEntry, memoryTier, parseBytes } from '../src/index.js';
import { cacheTierContract } from '../src/testing.js';
import { mapTier } from './helpers.js';

const runner = { describe, it };
cacheTierContract(() => memoryTier(), { name: 'memoryTier', runner });
cacheTierContract(() => memoryTier({ maxBytes: '1MB' }), {
  name: 'memoryTier with maxBytes',
  runner,
});
cacheTierContract(() => mapTier(), { name: 'an async test tier', runner });

const entry = (value: unknown, tags: string[] = []): CacheEntry => ({
  value,
  createdAt: 0,
  freshUntil: 1_000,
  staleUntil: 2_000,
  ttl: 1_000,
  tags,
});

describe('memoryTier', () => {
  it('evicts the least recently used entries beyond maxEntries', () => {
    const tier = memoryTier({ maxEntries: 2 });
    tier.set('a', entry(1));
    tier.set('b', entry(2));
    tier.getSync!('a');
    tier.set('c', entry(3));
    expect(tier.getSync!('b')).toBeUndefined();
    expect(tier.getSync!('a')?.value).toBe(1);
    expect(tier.stats!()).toMatchObject({ entries: 2, evictions: 1 });
  });

  it('keeps the estimated bytes under maxBytes, evicting the oldest', () => {
    const tier = memoryTier({ maxBytes: '20KB' });
    for (let i = 0; i < 100; i++) tier.set(`k${i}`, entry('x'.repeat(1_000)));
    const stats = tier.stats!();
    expect(stats.bytes).toBeLessThanOrEqual(20 * 1024);
    expect(stats.entries).toBeGreaterThan(0);
    expect(stats.entries).toBeLessThan(100);
    expect(tier.getSync!('k99')).toBeDefined();
    expect(tier.getSync!('k0')).toBeUndefined();
  });

  it('drops evicted keys from the tag index', () => {
    const tier = memoryTier({ maxEntries: 1 });
    tier.set('a', entry(1, ['t']));
    tier.set('b', entry(2, ['t']));
    tier.deleteByTag!('t');
    expect(tier.getSync!('b')).toBeUndefined();
    expect(tier.stats!().entries).toBe(0);
  });

  it('refuses an entry larger than maxBytes without indexing its tags', () => {
    const tier = memoryTier({ maxBytes: 1_000 });
    tier.set('big', entry('x'.repeat(5_000), ['t']));
    expect(tier.getSync!('big')).toBeUndefined();
    tier.deleteByTag!('t');
  });

  it('uses a custom size estimate', () => {
    const tier = memoryTier({ maxBytes: 10_000, sizeOf: () => 4_000 });
    for (let i = 0; i < 5; i++) tier.set(`k${i}`, entry(i));
    expect(tier.stats!().entries).toBe(2);
  });

  it('estimates nested values of every kind', () => {
    const tier = memoryTier();
    const value = {
      list: [1, 'two', true, null, undefined, 10n],
      map: new Map([['a', { deep: { deeper: [1] } }]]),
      set: new Set([1, 2]),
      bytes: new Uint8Array(100),
      buffer: new ArrayBuffer(50),
      fn: () => 1,
    };
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 12; i++) {
      deep.next = {};
      deep = deep.next as Record<string, unknown>;
    }
    tier.set('k', entry(value));
    tier.set('deep', entry(root));
    expect(tier.stats!().bytes).toBeGreaterThan(300);
  });

  it('validates its options', () => {
    for (const bad of [{ maxEntries: 0 }, { maxBytes: 'lots' }, { maxBytes: -1 }, { maxBytes: '0MB' }]) {
      try {
        memoryTier(bad as never);
        expect.unreachable();
      } catch (error) {
        expect(isBallastError(error) && error.code).toBe('INVALID_CONFIGURATION');
      }
    }
  });

  it('reads byte sizes with units', () => {
    expect(parseBytes('x', '50MB')).toBe(50 * 1024 * 1024);
    expect(parseBytes('x', '1.5kb')).toBe(1536);
    expect(parseBytes('x', '1GB')).toBe(1024 ** 3);
    expect(parseBytes('x', '10 b')).toBe(10);
    expect(parseBytes('x', 2048)).toBe(2048);
  });
});
