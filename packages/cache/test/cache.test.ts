import { ManualClock } from '@ballast/core/testing';
import { isBallastError } from '@ballast/errors';
import { describe, expect, it, vi } from 'vitest';
import { createCache, memoryTier } from '../src/index.js';
import { deferred, mapTier } from './helpers.js';

function setup(options: Parameters<typeof createCache>[0] = {}) {
  const clock = new ManualClock({ now: 1_000_000 });
  const l2 = mapTier();
  const cache = createCache({ tiers: [memoryTier(), l2], clock, ttl: 1_000, ...options });
  return { clock, l2, cache };
}

describe('createCache: TTL', () => {
  it('serves a fresh L1 hit without calling the factory or the slower tiers', async () => {
    const { cache, l2 } = setup();
    const factory = vi.fn(() => 'v1');
    expect(await cache.getOrSet('k', factory)).toBe('v1');
    const calls = l2.calls;
    expect(await cache.getOrSet('k', factory)).toBe('v1');
    expect(factory).toHaveBeenCalledTimes(1);
    expect(l2.calls).toBe(calls);
  });

  it('runs the factory again once the TTL has passed', async () => {
    const { cache, clock } = setup();
    let n = 0;
    const factory = () => ++n;
    expect(await cache.getOrSet('k', factory)).toBe(1);
    await clock.advance(999);
    expect(await cache.getOrSet('k', factory)).toBe(1);
    await clock.advance(1);
    expect(await cache.getOrSet('k', factory)).toBe(2);
  });

  it('reads L2 on an L1 miss and backfills L1 with the remaining TTL', async () => {
    const { cache, clock, l2 } = setup();
    await cache.set('k', 'from-l2');
    const other = createCache({ tiers: [memoryTier(), l2], clock, ttl: 1_000 });
    await clock.advance(400);
    const factory = vi.fn(() => 'fresh');
    expect(await other.getOrSet('k', factory)).toBe('from-l2');
    expect(factory).not.toHaveBeenCalled();
    l2.map.clear();
    expect(await other.get('k')).toBe('from-l2');
    await clock.advance(600);
    expect(await other.get('k')).toBeUndefined();
    expect(other.stats().tiers[1]).toMatchObject({ name: 'remote', hits: 1 });
    const [l1, remote] = other.stats().tiers;
    expect(l1!.hitRatio).toBe(l1!.hits / (l1!.hits + l1!.misses));
    expect(remote!.hitRatio).toBe(remote!.hits / (remote!.hits + remote!.misses));
    expect(remote!.hitRatio).toBeGreaterThan(0);
    expect(createCache().stats().tiers[0]!.hitRatio).toBe(0);
  });

  it('honours per-call and per-namespace TTLs', async () => {
    const { cache, clock } = setup({ policies: { courses: { ttl: '1h' }, grades: '15m' } });
    await cache.set('short', 1, { ttl: 10 });
    await cache.namespace('courses').set('c1', 'course');
    await cache.namespace('grades').set('g1', 'grade');
    await clock.advance(10);
    expect(await cache.get('short')).toBeUndefined();
    await clock.advance(15 * 60_000 - 10);
    expect(await cache.namespace('grades').get('g1')).toBeUndefined();
    expect(await cache.namespace('courses').get('c1')).toBe('course');
    expect(await cache.get('courses:c1')).toBe('course');
    await clock.advance(45 * 60_000);
    expect(await cache.namespace('courses').get('c1')).toBeUndefined();
  });

  it('spreads TTLs with jitter', async () => {
    const { cache, clock } = setup({ jitter: 0.5, random: () => 0 });
    await cache.set('k', 1);
    await clock.advance(500);
    expect(await cache.get('k')).toBeUndefined();
  });

  it('lets the factory override its TTL and tags, and skip caching', async () => {
    const { cache, clock } = setup();
    await cache.getOrSet('a', (ctx) => {
      ctx.setTtl('10s');
      ctx.setTags(['t']);
      return 'a';
    });
    await clock.advance(5_000);
    expect(await cache.get('a')).toBe('a');
    await cache.deleteByTag('t');
    expect(await cache.get('a')).toBeUndefined();
    expect(
      await cache.getOrSet('b', (ctx) => {
        ctx.skip();
        return 'b';
      }),
    ).toBe('b');
    expect(await cache.get('b')).toBeUndefined();
    expect(await cache.getOrSet('c', () => undefined)).toBeUndefined();
    expect(await cache.get('c')).toBeUndefined();
  });
});

describe('createCache: fail-safe', () => {
  it('serves the stale value when the factory fails within grace', async () => {
    const { cache, clock } = setup({ grace: '1h' });
    const stale = vi.fn();
    cache.on('stale', stale);
    await cache.getOrSet('k', () => 'old');
    await clock.advance(2_000);
    expect(
      await cache.getOrSet('k', () => {
        throw new Error('db down');
      }),
    ).toBe('old');
    expect(stale).toHaveBeenCalledWith(expect.objectContaining({ key: 'k', reason: 'error' }));
    expect(cache.stats()).toMatchObject({ stale: 1, errors: 1 });
    expect(await cache.getOrSet('k', () => 'new')).toBe('old'); // held for retryAfter (1s)
    await clock.advance(1_000);
    expect(await cache.getOrSet('k', () => 'new')).toBe('new');
  });

  it('throws the factory error once grace is over', async () => {
    const { cache, clock } = setup({ grace: 1_000 });
    await cache.getOrSet('k', () => 'old');
    await clock.advance(2_000);
    await expect(cache.getOrSet('k', () => Promise.reject(new Error('db down')))).rejects.toThrow('db down');
  });

  it('returns the stale value past the soft timeout and caches the late value', async () => {
    const { cache, clock } = setup({ grace: '1h', timeouts: { soft: 100 } });
    await cache.getOrSet('k', () => 'old');
    await clock.advance(1_000);
    const slow = deferred<string>();
    const factory = vi.fn(() => slow.promise);
    const result = cache.getOrSet('k', factory);
    await clock.advance(100);
    expect(await result).toBe('old');
    expect(await cache.getOrSet('k', factory)).toBe('old');
    expect(factory).toHaveBeenCalledTimes(1);
    slow.resolve('new');
    await clock.advance(0);
    expect(await cache.get('k')).toBe('new');
  });

  it('waits past the soft timeout when there is no stale value', async () => {
    const { cache, clock } = setup({ timeouts: { soft: 100 } });
    const slow = deferred<string>();
    const result = cache.getOrSet('k', () => slow.promise);
    await clock.advance(500);
    slow.resolve('late');
    expect(await result).toBe('late');
  });

  it('aborts the factory at the hard timeout', async () => {
    const { cache, clock } = setup({ timeouts: { hard: 200 } });
    let signal: AbortSignal | undefined;
    const result = cache.getOrSet('k', (ctx) => {
      signal = ctx.signal;
      return new Promise<string>(() => {});
    });
    const settled = result.catch((error: unknown) => error);
    await clock.advance(200);
    const error = await settled;
    expect(isBallastError(error) && error.code).toBe('TIMEOUT');
    expect(signal?.aborted).toBe(true);
  });

  it('serves stale when the hard timeout aborts the factory', async () => {
    const { cache, clock } = setup({ grace: '1h', timeouts: { soft: 50, hard: 200 } });
    await cache.getOrSet('k', () => 'old');
    await clock.advance(1_000);
    const result = cache.getOrSet('k', () => new Promise<string>(() => {}));
    await clock.advance(200);
    expect(await result).toBe('old');
    await clock.advance(1_000);
    expect(await cache.getOrSet('k', () => 'new')).toBe('new');
  });

  it('retries a failing factory at most once per retryAfter, serving stale meanwhile', async () => {
    const { cache, clock } = setup({ grace: '1h', retryAfter: '5s', earlyRefresh: 0.9 });
    await cache.getOrSet('k', () => 'old');
    await clock.advance(1_000);
    const failing = vi.fn(() => Promise.reject(new Error('db down')));
    expect(await cache.getOrSet('k', failing)).toBe('old');
    for (let i = 0; i < 10; i++) expect(await cache.getOrSet('k', failing)).toBe('old');
    expect(failing).toHaveBeenCalledTimes(1);
    await clock.advance(5_000);
    expect(await cache.getOrSet('k', failing)).toBe('old');
    expect(failing).toHaveBeenCalledTimes(2);
    const noHold = setup({ grace: '1h', retryAfter: 0 });
    await noHold.cache.getOrSet('k', () => 'old');
    await noHold.clock.advance(1_000);
    expect(await noHold.cache.getOrSet('k', failing)).toBe('old');
    expect(await noHold.cache.getOrSet('k', () => 'new')).toBe('new');
  });

  it('serves reads from L1 and the factory while L2 fails, never throwing', async () => {
    const { cache, l2 } = setup();
    const errors = vi.fn();
    cache.on('error', errors);
    l2.down = true;
    expect(await cache.getOrSet('k', () => 'v')).toBe('v');
    expect(await cache.getOrSet('k', () => 'other')).toBe('v');
    await cache.set('j', 1);
    await cache.delete('j');
    await cache.deleteByTag('x');
    await cache.clear();
    expect(errors).toHaveBeenCalled();
    expect(cache.stats().tiers[1]!.errors).toBeGreaterThan(0);
  });

  it('opens the breaker after repeated L2 failures and stops calling it', async () => {
    const { cache, l2, clock } = setup({ protection: { failures: 2, halfOpenAfter: '5s' } });
    const breaker = vi.fn();
    cache.on('breaker', breaker);
    l2.down = true;
    for (let i = 0; i < 3; i++) await cache.getOrSet(`k${i}`, () => i);
    expect(cache.stats().tiers[1]!.breaker).toBe('open');
    const calls = l2.calls;
    await cache.getOrSet('other', () => 1);
    expect(l2.calls).toBe(calls);
    expect((await cache.health.check()).status).toBe('warn');
    l2.down = false;
    await clock.advance(5_000);
    await cache.getOrSet('probe', () => 1);
    expect(cache.stats().tiers[1]!.breaker).toBe('closed');
    expect((await cache.health.check()).status).toBe('pass');
    expect(breaker).toHaveBeenCalledWith({ tier: 'remote', state: 'open' });
  });

  it('while the breaker is open emits one error event per open spell and counts every refused call', async () => {
    const { cache, l2, clock } = setup({ protection: { failures: 2, halfOpenAfter: '5s' } });
    const states: string[] = [];
    const errors: unknown[] = [];
    cache.on('breaker', ({ state }) => states.push(state));
    cache.on('error', ({ error }) => errors.push(error));
    l2.down = true;
    await cache.get('a');
    await cache.get('b'); // the second failure opens the breaker
    expect(states).toEqual(['open']);
    for (let i = 0; i < 200; i++) await cache.get(`k${i}`);
    await cache.set('s', 1);
    expect(errors).toHaveLength(3); // two failures, then one "refused" for the whole spell
    expect(errors.map((error) => (error as { code?: string }).code)).toEqual([
      undefined,
      undefined,
      'CIRCUIT_OPEN',
    ]);
    expect(cache.stats().tiers[1]!.errors).toBe(203);
    await clock.advance(5_000);
    await cache.get('probe'); // half-open: the probe fails, the breaker opens again
    for (let i = 0; i < 50; i++) await cache.get(`j${i}`);
    expect(states).toEqual(['open', 'half-open', 'open']);
    expect(errors).toHaveLength(5);
    expect(cache.stats().tiers[1]!.errors).toBe(254);
  });

  it('times out a hanging L2 and answers from the factory', async () => {
    const { cache, l2, clock } = setup({ protection: { timeout: 100 } });
    l2.get = () => new Promise(() => {});
    const result = cache.getOrSet('k', () => 'from-factory');
    await clock.advance(100);
    expect(await result).toBe('from-factory');
  });
});

describe('createCache: refresh', () => {
  it('refreshes in the background after earlyRefresh of the TTL', async () => {
    const { cache, clock } = setup({ earlyRefresh: 0.8 });
    let n = 0;
    const factory = vi.fn(() => ++n);
    expect(await cache.getOrSet('k', factory)).toBe(1);
    await clock.advance(799);
    expect(await cache.getOrSet('k', factory)).toBe(1);
    expect(factory).toHaveBeenCalledTimes(1);
    await clock.advance(1);
    expect(await cache.getOrSet('k', factory)).toBe(1);
    expect(await cache.getOrSet('k', factory)).toBe(1);
    await clock.advance(0);
    expect(factory).toHaveBeenCalledTimes(2);
    expect(await cache.getOrSet('k', factory)).toBe(2);
  });

  it('refreshes ahead on an L2 hit too, and reports a failing background refresh', async () => {
    const { cache, clock, l2 } = setup({ earlyRefresh: 0.5 });
    const errors = vi.fn();
    cache.on('error', errors);
    await cache.set('k', 'v');
    const other = createCache({ tiers: [memoryTier(), l2], clock, ttl: 1_000, earlyRefresh: 0.5 });
    other.on('error', errors);
    await clock.advance(600);
    expect(await other.getOrSet('k', () => Promise.reject(new Error('refresh failed')))).toBe('v');
    await clock.advance(0);
    expect(errors).toHaveBeenCalledWith(expect.objectContaining({ operation: 'refresh' }));
  });

  it('doubles the TTL of an unchanged value and resets a changed one (adaptive TTL)', async () => {
    const { cache, clock } = setup({ adaptiveTtl: { min: 1_000, max: 3_000 } });
    let value = 'same';
    const factory = () => value;
    await cache.getOrSet('k', factory);
    await clock.advance(1_000);
    await cache.getOrSet('k', factory); // unchanged → 2s
    await clock.advance(1_999);
    expect(await cache.get('k')).toBe('same');
    await clock.advance(1);
    await cache.getOrSet('k', factory); // unchanged → 3s (max)
    await clock.advance(2_999);
    expect(await cache.get('k')).toBe('same');
    await clock.advance(1);
    value = 'changed';
    await cache.getOrSet('k', factory); // changed → 1s
    await clock.advance(1_000);
    expect(await cache.get('k')).toBeUndefined();
  });
});

describe('createCache: single flight', () => {
  it('runs the factory once for N concurrent callers', async () => {
    const { cache } = setup();
    const gate = deferred<number>();
    const factory = vi.fn(() => gate.promise);
    const callers = Array.from({ length: 100 }, () => cache.getOrSet('hot', factory));
    gate.resolve(42);
    expect(await Promise.all(callers)).toEqual(Array(100).fill(42));
    expect(factory).toHaveBeenCalledTimes(1);
  });

  it('shares a failure with every waiting caller, then tries again', async () => {
    const { cache } = setup();
    const factory = vi.fn().mockRejectedValueOnce(new Error('boom')).mockResolvedValue('ok');
    const results = await Promise.allSettled([cache.getOrSet('k', factory), cache.getOrSet('k', factory)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await cache.getOrSet('k', factory)).toBe('ok');
    expect(factory).toHaveBeenCalledTimes(2);
  });

  it('lets one caller stop waiting through its signal without cancelling the others', async () => {
    const { cache } = setup();
    const gate = deferred<string>();
    const controller = new AbortController();
    const first = cache.getOrSet('k', () => gate.promise, { signal: controller.signal });
    const second = cache.getOrSet('k', () => gate.promise);
    controller.abort(new Error('caller left'));
    await expect(first).rejects.toThrow('caller left');
    gate.resolve('v');
    expect(await second).toBe('v');
    await expect(cache.getOrSet('x', () => 1, { signal: controller.signal })).rejects.toThrow('caller left');
  });
});
