import {
  type RedisServer,
  type RedisTopology,
  redisTopologies,
  requireRedis,
  startRedisServer,
  uniquePrefix,
} from '@ballast/test-utils';
import fc from 'fast-check';
import { type Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CacheEntry, createCache, redisTier } from '../src/index.js';
import { MAX_BATCH } from '../src/tiers/redis-reads.js';

const url = await requireRedis();
const base = uniquePrefix('cache-coalesce');

function living<T>(value: T): CacheEntry<T> {
  const now = Date.now();
  return { value, createdAt: now, freshUntil: now + 60_000, staleUntil: now + 60_000, ttl: 60_000, tags: [] };
}

/** How many times Redis ran each command (lower case) since the last `CONFIG RESETSTAT`. */
function commandCalls(stats: string, command: string): number {
  return Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
}

describe.skipIf(!url)('redisTier read coalescing (throwaway Redis)', () => {
  let server: RedisServer;
  let redis: Redis;
  const calls = async (command: string) => commandCalls(await redis.info('commandstats'), command);

  beforeAll(async () => {
    server = await startRedisServer();
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
  });

  it('sends the first read of a tick at once as a GET, and the others as one MGET', async () => {
    const client = new Redis(server.url);
    const cache = createCache({ tiers: [redisTier({ client, prefix: 'one:' })], ttl: '1h' });
    const keys = Array.from({ length: 50 }, (_, i) => `k${i}`);
    for (const key of keys) await cache.set(key, { key });
    await redis.config('RESETSTAT');
    const values = await Promise.all(keys.map((key) => cache.getOrSet(key, () => 'factory')));
    expect(values).toEqual(keys.map((key) => ({ key })));
    expect(await calls('mget')).toBe(1);
    expect(await calls('get')).toBe(1);
    expect(cache.stats().tiers[0]).toMatchObject({ hits: 50, misses: 0, errors: 0 });
    await redis.config('RESETSTAT');
    expect(await cache.get('k1')).toEqual({ key: 'k1' });
    expect(await calls('get')).toBe(1);
    expect(await calls('mget')).toBe(0);
    await cache.close();
    client.disconnect();
  });

  it(`splits a tick of more than ${MAX_BATCH} reads into MGETs of at most ${MAX_BATCH} keys`, async () => {
    const client = new Redis(server.url);
    const tier = redisTier({ client, prefix: 'many:' });
    const keys = Array.from({ length: MAX_BATCH + 11 }, (_, i) => `k${i}`);
    await Promise.all(keys.filter((_, i) => i % 3 === 0).map((key) => tier.set(key, living(key))));
    await redis.config('RESETSTAT');
    const read = await Promise.all(keys.map((key) => tier.get(key)));
    expect(read.map((entry) => entry?.value)).toEqual(keys.map((key, i) => (i % 3 === 0 ? key : undefined)));
    expect(await calls('mget')).toBe(2);
    client.disconnect();
  });

  it('fails only the read of a corrupt entry, not the others of its MGET', async () => {
    const client = new Redis(server.url);
    const cache = createCache({ tiers: [redisTier({ client, prefix: 'corrupt:' })], ttl: '1h' });
    await cache.set('a', 'A');
    await cache.set('c', 'C');
    await redis.set('corrupt:{s0}:e:b', '{not an envelope');
    await redis.config('RESETSTAT');
    const values = await Promise.all(['a', 'b', 'c'].map((key) => cache.getOrSet(key, () => `made ${key}`)));
    expect(values).toEqual(['A', 'made b', 'C']);
    expect(await calls('mget')).toBe(1);
    expect(cache.stats().tiers[0]).toMatchObject({ hits: 2, corrupt: 1, errors: 0 });
    await cache.close();
    client.disconnect();
  });

  it('fails each read of an MGET that Redis refuses, and serves lone reads as before', async () => {
    const refusing = await startRedisServer({ args: ['--rename-command', 'MGET', ''] });
    const client = new Redis(refusing.url);
    try {
      const cache = createCache({ tiers: [redisTier({ client, prefix: 'refused:' })], ttl: '1h' });
      await cache.set('a', 'A');
      await cache.set('b', 'B');
      const errors: unknown[] = [];
      cache.on('error', (event) => errors.push(event.error));
      await cache.set('c', 'C');
      const values = await Promise.all(
        ['a', 'b', 'c'].map((key) => cache.getOrSet(key, () => `made ${key}`)),
      );
      // The first read was a GET; the MGET of the two others failed.
      expect(values).toEqual(['A', 'made b', 'made c']);
      expect(errors).toHaveLength(2);
      expect(String(errors[0])).toMatch(/unknown command/i);
      await cache.close();
      // A lone read is a GET, which this server still runs: it finds the value written back.
      expect((await redisTier({ client, prefix: 'refused:' }).get('b'))?.value).toBe('made b');
    } finally {
      client.disconnect();
      await refusing.stop();
    }
  });
});

describe.skipIf(!url)('redisTier read coalescing (real Redis)', () => {
  const prefix = `${base}property:`;
  let client: Redis;

  beforeAll(() => {
    client = new Redis(url!);
  });
  afterAll(async () => {
    const keys = await client.keys(`${prefix}*`);
    if (keys.length > 0) await client.del(...keys);
    client.disconnect();
  });

  it('coalesced reads return what the same reads return one at a time', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), fc.jsonValue(), { maxKeys: 12 }),
        fc.array(fc.string({ minLength: 1, maxLength: 6 }), { maxLength: 20 }),
        fc.array(fc.string({ minLength: 1, maxLength: 6 }), { maxLength: 3 }),
        async (shards, stored, extra, corrupt) => {
          const p = `${prefix}${run++}:`;
          const tier = redisTier({ client, prefix: p, shards });
          for (const [key, value] of Object.entries(stored)) await tier.set(key, living(value));
          // Corrupt entries, where a one-shard tier keeps them (a corrupt read deletes its entry).
          const corrupted = shards === 1 ? corrupt.filter((key) => !(key in stored)) : [];
          const spoil = () => Promise.all(corrupted.map((key) => client.set(`${p}{s0}:e:${key}`, 'garbage')));
          await spoil();
          const keys = [...new Set([...Object.keys(stored), ...extra, ...corrupt])];
          const settle = (read: CacheEntry | undefined | Promise<CacheEntry | undefined>) =>
            Promise.resolve(read).then(
              (entry) => ({ value: entry?.value }),
              (error: unknown) => ({ error: (error as Error).name }),
            );
          const together = await Promise.all(keys.map((key) => settle(tier.get(key))));
          await spoil(); // the same data for both passes
          const alone = [];
          for (const key of keys) alone.push(await settle(tier.get(key)));
          expect(together).toEqual(alone);
        },
      ),
      { numRuns: 40 },
    );
  });
});

// Started at the top level, so that its afterAll stops it even when a filter skips every test.
const topologies = await redisTopologies({ include: ['cluster'] });
afterAll(async () => {
  for (const topology of topologies) {
    try {
      await topology.deleteKeys(`${base}*`);
    } finally {
      await topology.stop();
    }
  }
});

describe('redisTier read coalescing on Redis Cluster', () => {
  describe.each(topologies)('$name', (topology: RedisTopology) => {
    it('sends one MGET per shard (one slot each) for the reads of one tick in different slots', async () => {
      const cluster = topology.cluster!;
      const client: Redis | Cluster = topology.client();
      const tier = redisTier({ client, prefix: `${base}cluster:`, shards: topology.shards });
      const keys = Array.from({ length: 64 }, (_, i) => `k${i}`);
      await Promise.all(keys.filter((_, i) => i % 2 === 0).map((key) => tier.set(key, living(key))));
      const shardsUsed = new Set(
        (await topology.keys(`${base}cluster:*:e:*`)).map((key) => /\{s(\d+)\}/.exec(key)?.[1]),
      );
      expect(shardsUsed.size).toBe(topology.shards);
      const masters = await cluster.masters();
      await Promise.all(masters.map((port) => cluster.cli(port, 'CONFIG', 'RESETSTAT')));
      const read = await Promise.all(keys.map((key) => tier.get(key)));
      expect(read.map((entry) => entry?.value)).toEqual(
        keys.map((key, i) => (i % 2 === 0 ? key : undefined)),
      );
      let mget = 0;
      let get = 0;
      for (const port of masters) {
        const stats = await cluster.cli(port, 'INFO', 'commandstats');
        mget += commandCalls(stats, 'mget');
        get += commandCalls(stats, 'get');
      }
      // The first read went at once, alone.
      expect(get).toBe(1);
      expect(mget).toBe(topology.shards);
    });
  });
});
