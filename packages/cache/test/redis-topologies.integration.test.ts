import { setTimeout as sleep } from 'node:timers/promises';
import { ManualClock } from '@ballast/core/testing';
import { eventually, type RedisTopology, redisTopologies, uniquePrefix } from '@ballast/test-utils';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { type Cache, type CacheEntry, createCache, memoryTier, redisBus, redisTier } from '../src/index.js';
import { cacheTierContract } from '../src/testing.js';

// The same suites on a single node, a 3+3 Redis Cluster and a Sentinel setup.
const topologies = await redisTopologies();
const prefix = uniquePrefix('cache-topo');

afterAll(async () => {
  for (const topology of topologies) {
    try {
      // clear() keeps the lock fencing counters, so that tokens keep growing: delete them here.
      await topology.deleteKeys(`${prefix}*`);
    } finally {
      await topology.stop();
    }
  }
});

function living<T>(value: T, tags: string[] = []): CacheEntry<T> {
  const now = Date.now();
  return { value, createdAt: now, freshUntil: now + 60_000, staleUntil: now + 60_000, ttl: 60_000, tags };
}

/** Resolves once `to` has seen an invalidation from `from`: both bus subscriptions are live. */
async function busUp(from: Cache, to: Cache): Promise<void> {
  let seen = false;
  const off = to.on('invalidate', () => {
    seen = true;
  });
  let n = 0;
  await eventually(async () => {
    await from.set(`probe:${n++}`, 1);
    await sleep(0);
    return seen;
  }, 'the bus subscription');
  off();
}

describe.each(topologies)('Redis features on $name', (topology: RedisTopology) => {
  const p = `${prefix}${topology.name}:`;
  const sharded = Math.max(4, topology.shards);

  cacheTierContract(({ clock }) => redisTier({ client: topology.client(), prefix: `${p}contract:`, clock }), {
    name: `redisTier on ${topology.name}`,
    createSibling: ({ clock }) => redisTier({ client: topology.client(), prefix: `${p}sibling:`, clock }),
    runner: { describe, it },
  });
  cacheTierContract(
    ({ clock }) => redisTier({ client: topology.client(), prefix: `${p}sharded:`, shards: sharded, clock }),
    {
      name: `redisTier with ${sharded} shards on ${topology.name}`,
      createSibling: ({ clock }) =>
        redisTier({ client: topology.client(), prefix: `${p}sharded-sibling:`, shards: sharded, clock }),
      runner: { describe, it },
    },
  );

  it('deletes by tag across every shard, and clear() leaves no entry behind', async () => {
    const tier = redisTier({ client: topology.client(), prefix: `${p}tags:`, shards: sharded });
    const keys = Array.from({ length: 40 }, (_, i) => `k${i}`);
    await Promise.all(keys.map((key, i) => tier.set(key, living(i, i % 2 === 0 ? ['even'] : ['odd']))));
    const shardsUsed = new Set(
      (await topology.keys(`${p}tags:*:e:*`)).map((key) => /\{s(\d+)\}/.exec(key)?.[1]),
    );
    expect(shardsUsed.size).toBe(sharded);
    await tier.deleteByTag?.('even');
    const left = await Promise.all(keys.map(async (key) => (await tier.get(key))?.value));
    expect(left).toEqual(keys.map((_, i) => (i % 2 === 0 ? undefined : i)));
    await tier.clear();
    expect((await topology.keys(`${p}tags:*`)).filter((key) => !key.endsWith(':fence'))).toEqual([]);
  });

  it('keeps the L1s of two instances coherent through the bus', async () => {
    const channel = `${p}bus`;
    const make = () => {
      const client = topology.client();
      return createCache({
        tiers: [memoryTier(), redisTier({ client, prefix: `${p}bus:`, shards: topology.shards })],
        bus: redisBus({ client, channel }),
      });
    };
    const a = make();
    const b = make();
    await busUp(a, b);
    await busUp(b, a);
    const invalidated = vi.fn();
    b.on('invalidate', invalidated);
    await a.set('user:1', 'ann', { tags: ['users'] });
    await eventually(() => invalidated.mock.calls.length === 1);
    expect(await b.getOrSet('user:1', () => 'unused')).toBe('ann');
    await a.delete('user:1');
    await eventually(() => invalidated.mock.calls.length === 2);
    expect(await b.get('user:1')).toBeUndefined();
    await b.set('user:2', 'bob', { tags: ['users'] });
    expect(await a.get('user:2')).toBe('bob');
    const seenByA = vi.fn();
    a.on('invalidate', seenByA);
    await b.deleteByTag('users');
    await eventually(() => seenByA.mock.calls.some(([event]) => event.type === 'tag'));
    expect(await a.get('user:2')).toBeUndefined();
    seenByA.mockClear();
    await a.set('x', 1);
    await b.set('y', 1);
    await eventually(() => seenByA.mock.calls.length > 0);
    // Only b's message arrived: a ignores its own.
    expect(seenByA.mock.calls.map(([event]) => event.keys)).toEqual([['y']]);
    await a.clear();
    await a.close();
    await b.close();
  });

  it('with write-behind, tells other instances only once Redis has the write', async () => {
    const channel = `${p}wb-bus`;
    const tierPrefix = `${p}wb:`;
    const clock = new ManualClock({ now: Date.now() });
    const first = topology.client();
    const second = topology.client();
    const a = createCache({
      tiers: [memoryTier(), redisTier({ client: first, prefix: tierPrefix, clock, shards: topology.shards })],
      bus: redisBus({ client: first, channel }),
      clock,
      ttl: '1h',
      protection: { timeout: '1h' },
      writeBehind: { flushInterval: 1_000 },
    });
    const b = createCache({
      tiers: [memoryTier(), redisTier({ client: second, prefix: tierPrefix, shards: topology.shards })],
      bus: redisBus({ client: second, channel }),
      ttl: '1h',
    });
    await busUp(b, a);
    const invalidated = vi.fn();
    b.on('invalidate', invalidated);
    await b.set('k', 'old');
    await a.set('k', 'new'); // queued: Redis still holds 'old'
    expect(await b.get('k')).toBe('old');
    await clock.advance(1_000); // the flush writes 'new' to Redis, then tells b
    await eventually(() => invalidated.mock.calls.some(([event]) => event.keys?.[0] === 'k'));
    expect(await b.get('k')).toBe('new');
    invalidated.mockClear();
    await a.delete('k');
    expect(await b.get('k')).toBe('new'); // the delete is queued too
    await clock.advance(1_000);
    await eventually(() => invalidated.mock.calls.length === 1);
    expect(await b.get('k')).toBeUndefined();
    await a.close();
    await b.clear();
    await b.close();
  });

  it('runs the factory once across two instances with a Redis lock, and never repeats a fencing token', async () => {
    const make = () =>
      createCache({
        tiers: [
          memoryTier(),
          redisTier({ client: topology.client(), prefix: `${p}lock:`, shards: topology.shards }),
        ],
      });
    const a = make();
    const b = make();
    let calls = 0;
    const factory = async () => {
      calls++;
      await sleep(50);
      return 'value';
    };
    const results = await Promise.all([
      a.getOrSet('k', factory, { lock: { ttl: 2_000 } }),
      b.getOrSet('k', factory, { lock: { ttl: 2_000 } }),
    ]);
    expect(results).toEqual(['value', 'value']);
    expect(calls).toBe(1);
    const tiers = [0, 1, 2].map(() =>
      redisTier({ client: topology.client(), prefix: `${p}fence:`, shards: topology.shards }),
    );
    const tokens: number[] = [];
    for (let round = 0; round < 5; round++) {
      const held = await Promise.all(tiers.map((tier) => tier.lock?.('job', 5_000)));
      const granted = held.filter((lock) => lock !== undefined);
      expect(granted).toHaveLength(1);
      tokens.push(granted[0]!.fencingToken);
      await granted[0]!.release();
    }
    expect(tokens).toEqual([...tokens].sort((x, y) => x - y));
    expect(new Set(tokens).size).toBe(tokens.length);
    await a.clear();
  });
});
