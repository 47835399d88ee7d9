import { ManualClock } from '@ballast/core/testing';
import { requireRedis, uniquePrefix } from '@ballast/test-utils';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CacheEntry, createCache, memoryTier, redisBus, redisTier } from '../src/index.js';
import { PRUNE_LIMIT } from '../src/tiers/redis-scripts.js';

const url = await requireRedis();
const prefix = uniquePrefix('cache');

describe.skipIf(!url)('redisTier against real Redis', () => {
  let client: Redis;
  let other: Redis;

  beforeAll(() => {
    client = new Redis(url!);
    other = new Redis(url!);
  });

  afterAll(async () => {
    await redisTier({ client, prefix }).clear();
    // clear() keeps the lock fencing counters, so that tokens keep growing: delete them here.
    const left = await client.keys(`${prefix}*`);
    expect(left.filter((key) => !/\{s\d+\}:fence$/.test(key))).toEqual([]);
    if (left.length > 0) await client.del(...left);
    client.disconnect();
    other.disconnect();
  });

  it('expires entries in Redis at stale-until and shares a hash tag between an entry and its tags', async () => {
    const tier = redisTier({ client, prefix: `${prefix}ttl:` });
    const now = Date.now();
    await tier.set('k', {
      value: 1,
      createdAt: now,
      freshUntil: now + 1_000,
      staleUntil: now + 5_000,
      ttl: 1_000,
      tags: ['t'],
    });
    const keys = (await client.keys(`${prefix}ttl:*`)).sort();
    expect(keys).toEqual([`${prefix}ttl:{s0}:e:k`, `${prefix}ttl:{s0}:g:k`, `${prefix}ttl:{s0}:z:t`]);
    const pttl = await client.pttl(`${prefix}ttl:{s0}:e:k`);
    expect(pttl).toBeGreaterThan(4_000);
    expect(pttl).toBeLessThanOrEqual(5_000);
    await tier.set('gone', { value: 1, createdAt: 0, freshUntil: 1, staleUntil: 2, ttl: 1, tags: [] });
    expect(await tier.get('gone')).toBeUndefined();
    await tier.clear();
  });

  it('grants fencing tokens past both the counter and the server clock, so a promoted replica that lost increments still outranks them', async () => {
    const tier = redisTier({ client, prefix: `${prefix}fencing:` });
    const fence = `${prefix}fencing:{s0}:fence`;
    const [seconds, micros] = await client.time();
    const serverMicros = Number(seconds) * 1e6 + Number(micros);
    // A counter that lost its last increments (as after a failover): the clock wins.
    await client.set(fence, '3');
    const first = await tier.lock!('job', 5_000);
    expect(first!.fencingToken).toBeGreaterThanOrEqual(serverMicros);
    expect(await tier.lock!('job', 5_000)).toBeUndefined(); // held: no grant, no token
    await first!.release();
    // A counter ahead of the clock (a clock set back): the counter wins.
    const ahead = serverMicros + 3_600e6;
    await client.set(fence, String(ahead));
    const second = await tier.lock!('job', 5_000);
    expect(second!.fencingToken).toBe(ahead + 1);
    expect(await client.get(`${prefix}fencing:{s0}:l:job`)).toBe(String(ahead + 1));
    await second!.release();
    expect(await client.exists(`${prefix}fencing:{s0}:l:job`)).toBe(0);
    await client.del(fence);
  });

  it('clears only its own prefix', async () => {
    await client.set(`${prefix}outside`, 'keep');
    const tier = redisTier({ client, prefix: `${prefix}mine:` });
    const now = Date.now();
    await tier.set('k', {
      value: 1,
      createdAt: now,
      freshUntil: now + 1e5,
      staleUntil: now + 1e5,
      ttl: 1e5,
      tags: [],
    });
    await tier.clear();
    expect(await client.get(`${prefix}outside`)).toBe('keep');
    expect(await client.keys(`${prefix}mine:*`)).toEqual([]);
    await client.del(`${prefix}outside`);
  });

  it('keeps in a tag index only the keys still alive: each write prunes those past stale-until', async () => {
    const clock = new ManualClock({ now: Date.now() });
    const tierPrefix = `${prefix}prune:`;
    const cache = createCache({
      clock,
      tiers: [memoryTier(), redisTier({ client, prefix: tierPrefix, clock })],
    });
    const requests = cache.namespace('req');
    const index = `${tierPrefix}{s0}:z:@ns:req`;
    const members = async () =>
      (await client.type(index)) === 'zset' ? client.zcard(index) : client.scard(index);
    await requests.set('live', 'kept', { ttl: '1h' });
    const sizes = new Set<number>();
    for (let i = 0; i < 200; i++) {
      await requests.set(`r${i}`, i, { ttl: '1s' });
      sizes.add(await members());
      await clock.advance(1_000); // r${i} is now past its stale-until
    }
    expect([...sizes]).toEqual([2]); // 'live' and the last one written
    await requests.clear();
    expect(await requests.get('live')).toBeUndefined();
    expect(await client.exists(`${tierPrefix}{s0}:e:req:live`, index)).toBe(0);
    await cache.close();
  });

  it(`prunes at most ${PRUNE_LIMIT} expired keys per tag and write, so one write stays cheap`, async () => {
    const clock = new ManualClock({ now: Date.now() });
    const tier = redisTier({ client, prefix: `${prefix}burst:`, clock });
    const index = `${prefix}burst:{s0}:z:burst`;
    const at = (life: number): CacheEntry => ({
      value: 1,
      createdAt: clock.now(),
      freshUntil: clock.now() + life,
      staleUntil: clock.now() + life,
      ttl: life,
      tags: ['burst'],
    });
    await tier.set('live', at(3_600_000));
    await Promise.all(Array.from({ length: 250 }, (_, i) => tier.set(`short${i}`, at(1_000))));
    expect(await client.zcard(index)).toBe(251);
    await clock.advance(1_000);
    const sizes: number[] = [];
    for (const key of ['x', 'y', 'z']) {
      await tier.set(key, at(3_600_000));
      sizes.push(await client.zcard(index));
    }
    expect(sizes).toEqual([252 - PRUNE_LIMIT, 253 - 2 * PRUNE_LIMIT, 4]);
    await tier.clear();
  });

  it('is not disturbed by a tag index an earlier version left as a plain set under t:<tag>', async () => {
    const tier = redisTier({ client, prefix: `${prefix}legacy:` });
    await client.sadd(`${prefix}legacy:{s0}:t:old`, 'k');
    const now = Date.now();
    await tier.set('k', {
      value: 1,
      createdAt: now,
      freshUntil: now + 60_000,
      staleUntil: now + 60_000,
      ttl: 60_000,
      tags: ['old'],
    });
    expect((await tier.get('k'))?.value).toBe(1);
    await tier.deleteByTag?.('old');
    expect(await tier.get('k')).toBeUndefined();
    await tier.clear?.();
  });

  it('expires a tag index with its longest-lived key', async () => {
    const tier = redisTier({ client, prefix: `${prefix}tag-expiry:` });
    const index = `${prefix}tag-expiry:{s0}:z:t`;
    const living = (life: number): CacheEntry => {
      const now = Date.now();
      return {
        value: 1,
        createdAt: now,
        freshUntil: now + life,
        staleUntil: now + life,
        ttl: life,
        tags: ['t'],
      };
    };
    await tier.set('long', living(3_600_000));
    await tier.set('short', living(60_000));
    expect(await client.pttl(index)).toBeGreaterThan(3_500_000);
    await tier.delete('long');
    await tier.set('other', living(60_000));
    const pttl = await client.pttl(index);
    expect(pttl).toBeGreaterThan(50_000);
    expect(pttl).toBeLessThanOrEqual(60_000);
    await tier.clear();
  });

  it('treats an entry it cannot deserialize as a miss, deletes it and counts it', async () => {
    const tier = redisTier({ client, prefix: `${prefix}corrupt:` });
    const cache = createCache({ tiers: [memoryTier(), tier] });
    await client.set(`${prefix}corrupt:{s0}:e:bad`, '{not json');
    await client.set(`${prefix}corrupt:{s0}:e:shape`, '{"v":1}');
    expect(await cache.getOrSet('bad', () => 'rebuilt')).toBe('rebuilt');
    expect(await cache.get('shape')).toBeUndefined();
    expect(await client.get(`${prefix}corrupt:{s0}:e:shape`)).toBeNull();
    expect(cache.stats().tiers[1]).toMatchObject({ corrupt: 2, errors: 0 });
    await tier.clear();
  });

  it('writes entries header first and still reads those of earlier versions, value first', async () => {
    const tier = redisTier({ client, prefix: `${prefix}layout:` });
    const cache = createCache({ tiers: [tier], ttl: '1h' });
    await cache.set('new', { id: 1 }, { tags: ['t'] });
    const raw = await client.get(`${prefix}layout:{s0}:e:new`);
    expect(raw).toMatch(/^\{"c":\d+,"f":\d+,"s":\d+,"l":3600000,"t":\["t"\],"v":\{"id":1\}\}$/);
    const now = Date.now();
    const old = JSON.stringify({ v: { id: 2 }, c: now, f: now + 60_000, s: now + 60_000, l: 60_000, t: [] });
    await client.set(`${prefix}layout:{s0}:e:old`, old, 'PX', 60_000);
    expect(await cache.getOrSet('old', () => ({ id: 0 }))).toEqual({ id: 2 });
    expect(await cache.getOrSet('new', () => ({ id: 0 }))).toEqual({ id: 1 });
    expect(cache.stats().tiers[0]).toMatchObject({ hits: 2, corrupt: 0, errors: 0 });
    await tier.clear();
  });

  it('connects lazily from a URL and closes what it opened', async () => {
    const tier = redisTier({ url: url!, prefix: `${prefix}url:` });
    const now = Date.now();
    await tier.set('k', {
      value: 'v',
      createdAt: now,
      freshUntil: now + 1e4,
      staleUntil: now + 1e4,
      ttl: 1e4,
      tags: [],
    });
    expect((await tier.get('k'))?.value).toBe('v');
    await tier.clear();
    await tier.close?.();
  });

  it('rejects options without exactly one of client and url', () => {
    expect(() => redisTier({})).toThrow(/client/);
    expect(() => redisTier({ client, url: url! })).toThrow(/client/);
    expect(() => redisTier({ url: 'http://nope' })).toThrow(/url/);
    expect(() => redisBus({ client, channel: '' })).toThrow(/channel/);
  });
});
