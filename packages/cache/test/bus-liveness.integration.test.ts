import { ManualClock } from '@ballast/core/testing';
import {
  eventually,
  type FaultProxy,
  requireRedis,
  startFaultProxy,
  uniquePrefix,
} from '@ballast/test-utils';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Cache, createCache, memoryTier, redisBus, redisTier } from '../src/index.js';

// Chaos on the bus's own connection: the publisher refused or black-holed, the subscriber black-holed.
const url = await requireRedis();
const prefix = uniquePrefix('cache-bus');

describe.skipIf(!url)('bus liveness', () => {
  let direct: Redis;
  let proxy: FaultProxy;
  let viaProxy: Redis;
  const open: Cache[] = [];

  beforeAll(async () => {
    const { hostname, port } = new URL(url!);
    direct = new Redis(url!);
    proxy = await startFaultProxy({ target: { host: hostname, port: Number(port || 6379) } });
  });
  afterEach(async () => {
    proxy.setMode('pass');
    for (const cache of open.splice(0)) await cache.close();
    viaProxy?.disconnect();
  });
  afterAll(async () => {
    let cursor = '0';
    do {
      const [next, keys] = await direct.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await direct.del(...keys);
    } while (cursor !== '0');
    direct.disconnect();
    await proxy.close();
  });

  /** Two caches sharing Redis (directly); `busOf` says whose bus goes through the proxy. */
  const pair = (
    channel: string,
    busOf: 'a' | 'b',
    busOptions: { heartbeat?: number; clock?: ManualClock; queueLimit?: number },
  ) => {
    viaProxy = new Redis(`redis://127.0.0.1:${proxy.port}`, {
      maxRetriesPerRequest: 1,
      retryStrategy: () => 20,
    });
    viaProxy.on('error', () => {});
    const make = (name: 'a' | 'b') => {
      const cache = createCache({
        tiers: [memoryTier(), redisTier({ client: direct, prefix: `${prefix}${channel}:` })],
        bus: redisBus({
          client: busOf === name ? viaProxy : direct,
          channel: `${prefix}${channel}`,
          ...busOptions,
        }),
        ttl: '1h',
      });
      cache.on('error', () => {});
      open.push(cache);
      return cache;
    };
    return { a: make('a'), b: make('b') };
  };

  /** `from` sets `key`, `to` hears of it, then reads it into its L1. */
  const seed = async (from: Cache, to: Cache, key: string, value: unknown): Promise<void> => {
    const heard = vi.fn();
    const off = to.on('invalidate', heard);
    await from.set(key, value);
    await eventually(
      () => heard.mock.calls.some(([event]) => event.keys?.includes(key)),
      `a message for ${key}`,
    );
    off();
    expect(await to.get(key)).toEqual(value);
  };

  /** Resolves once `to` has seen an invalidation from `from`. */
  const busUp = async (from: Cache, to: Cache): Promise<void> => {
    let seen = false;
    const off = to.on('invalidate', () => {
      seen = true;
    });
    let n = 0;
    await eventually(async () => {
      await from.set(`probe:${n++}`, 1);
      await new Promise((resolve) => setImmediate(resolve));
      return seen;
    }, 'the bus subscription');
    off();
  };

  it('sends the invalidations of a refused publisher once its connection is back: 0 stale reads after', async () => {
    const { a, b } = pair('refused', 'a', { heartbeat: 200 });
    await busUp(a, b);
    await seed(a, b, 'k', 'old');
    proxy.setMode('refuse');
    await eventually(() => viaProxy.status !== 'ready', 'the publisher to notice');
    await a.set('k', 'new'); // held: the publisher is down
    expect((await a.health.check(new AbortController().signal)).status).toBe('warn');
    proxy.setMode('pass');
    await eventually(async () => (await b.get('k')) === 'new', "b to drop 'old'");
    for (let i = 0; i < 20; i++) expect(await b.get('k')).toBe('new');
    await eventually(async () => (await a.health.check(new AbortController().signal)).status === 'pass');
  });

  it('tells peers to clear when a publisher had to drop what it held', async () => {
    const { a, b } = pair('dropped', 'a', { heartbeat: 200, queueLimit: 1 });
    await busUp(a, b);
    await seed(a, b, 'x', 1);
    await seed(a, b, 'y', 1);
    const cleared = vi.fn();
    b.on('invalidate', cleared);
    proxy.setMode('refuse');
    await eventually(() => viaProxy.status !== 'ready', 'the publisher to notice');
    await a.set('x', 2);
    await a.set('y', 2); // past the limit of 1: both dropped
    proxy.setMode('pass');
    await eventually(() => cleared.mock.calls.some(([event]) => event.type === 'clear'), 'a clear from a');
    expect(await b.get('x')).toBe(2);
    expect(await b.get('y')).toBe(2);
  });

  it('retries a publish black-holed past the heartbeat, and peers end up with the new value', async () => {
    const { a, b } = pair('hole-pub', 'a', { heartbeat: 200 });
    await busUp(a, b);
    await seed(a, b, 'k', 'old');
    proxy.setMode('blackhole');
    await a.set('k', 'new');
    proxy.dropConnections(); // the partition ends with reset connections, as after a timeout
    proxy.setMode('pass');
    await eventually(async () => (await b.get('k')) === 'new', "b to drop 'old'");
    for (let i = 0; i < 20; i++) expect(await b.get('k')).toBe('new');
  });

  it('finds a black-holed subscriber within two heartbeats, clears L1, and resubscribes once healed', async () => {
    const clock = new ManualClock();
    const { a, b } = pair('hole-sub', 'b', { heartbeat: 1_000, clock });
    await busUp(a, b);
    const reconnects = vi.fn();
    b.on('bus:reconnect', reconnects);
    await seed(a, b, 'k', 'old');
    proxy.setMode('blackhole');
    await a.set('k', 'new'); // b never hears of it
    expect(await b.get('k')).toBe('old'); // stale, within the window
    expect((await b.health.check(new AbortController().signal)).status).toBe('pass');
    await clock.advance(1_000); // a PING goes out, and is never answered
    expect(reconnects).not.toHaveBeenCalled();
    await clock.advance(1_000); // the next beat finds it unanswered
    await eventually(() => reconnects.mock.calls.length > 0, 'bus:reconnect');
    expect(await b.get('k')).toBe('new');
    expect((await b.health.check(new AbortController().signal)).status).toBe('warn');
    proxy.setMode('pass');
    await eventually(async () => {
      await clock.advance(1_000);
      return (await b.health.check(new AbortController().signal)).status === 'pass';
    }, 'the subscription back');
    await a.set('k', 'newer');
    await eventually(async () => (await b.get('k')) === 'newer', 'b to hear of newer');
  });
});
