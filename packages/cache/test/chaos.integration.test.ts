import { setTimeout as sleep } from 'node:timers/promises';
import {
  type RedisServer,
  requireRedis,
  startFaultProxy,
  startRedisServer,
  uniquePrefix,
} from '@ballast/test-utils';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCache, memoryTier, redisBus, redisTier } from '../src/index.js';

const url = await requireRedis();
const prefix = uniquePrefix('cache-chaos');

describe.skipIf(!url)('chaos: Redis dies and comes back during a read loop', () => {
  let server: RedisServer;
  const clients: Redis[] = [];

  beforeAll(async () => {
    server = await startRedisServer();
  });

  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await server?.stop();
  });

  it('fails no read, opens and closes the breaker by itself, and resubscribes the bus', async () => {
    const connect = (): Redis => {
      const client = new Redis(server.url, { retryStrategy: () => 50, maxRetriesPerRequest: 1 });
      client.on('error', () => {});
      clients.push(client);
      return client;
    };
    const make = (client: Redis) =>
      createCache({
        tiers: [memoryTier(), redisTier({ client, prefix })],
        bus: redisBus({ client, channel: `${prefix}bus` }),
        ttl: 20,
        grace: '1m',
        protection: { timeout: 100, failures: 3, halfOpenAfter: 100 },
      });
    const a = make(connect());
    const b = make(connect());
    const breaker: string[] = [];
    a.on('breaker', ({ state }) => breaker.push(state));
    let reconnects = 0;
    b.on('bus:reconnect', () => reconnects++);
    const probe = clients[0]!;
    for (let i = 0; i < 400; i++) {
      const [, subscribers] = (await probe.pubsub('NUMSUB', `${prefix}bus`)) as [string, number];
      if (subscribers >= 2) break;
      await sleep(5);
    }

    let reads = 0;
    let failed = 0;
    const readFor = async (done: () => boolean, limitMs: number): Promise<void> => {
      const deadline = Date.now() + limitMs;
      while (!done() && Date.now() < deadline) {
        for (let i = 0; i < 5; i++) {
          reads++;
          try {
            if ((await a.getOrSet(`k${i}`, () => `v${i}`)) !== `v${i}`) failed++;
          } catch {
            failed++;
          }
        }
        await sleep(2);
      }
    };

    await readFor(() => false, 150);
    await server.kill();
    await readFor(() => breaker.includes('open'), 5_000);
    expect(breaker).toContain('open');
    await readFor(() => false, 100);
    await server.restart();
    await readFor(() => a.stats().tiers[1]!.breaker === 'closed' && reconnects > 0, 10_000);

    expect(failed).toBe(0);
    expect(reads).toBeGreaterThan(50);
    expect(a.stats().tiers[1]!.breaker).toBe('closed');
    expect(breaker.at(-1)).toBe('closed');
    expect(reconnects).toBeGreaterThan(0);

    // The bus works again: b's L1 drops a key that a deletes.
    await b.set('after', 'restart');
    await a.delete('after');
    const deadline = Date.now() + 2_000;
    while ((await b.get('after')) !== undefined && Date.now() < deadline) await sleep(5);
    expect(await b.get('after')).toBeUndefined();
    await a.clear();
    await a.close();
    await b.close();
  }, 40_000);

  it('keeps answering reads and writes when Redis becomes a black hole', async () => {
    const proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: server.port } });
    const client = new Redis(`redis://127.0.0.1:${proxy.port}`, { maxRetriesPerRequest: 1 });
    client.on('error', () => {});
    clients.push(client);
    const cache = createCache({
      tiers: [memoryTier(), redisTier({ client, prefix: `${prefix}hole:` })],
      bus: redisBus({ client, channel: `${prefix}hole-bus` }),
      protection: { timeout: 50, failures: 2, halfOpenAfter: '1m' },
    });
    cache.on('error', () => {});
    await cache.set('before', 1);
    proxy.setMode('blackhole');
    expect(await cache.getOrSet('k', () => 'from-factory')).toBe('from-factory');
    await cache.set('j', 2);
    await cache.delete('before');
    expect(await cache.getOrSet('k2', () => 'again')).toBe('again');
    expect(cache.stats().tiers[1]!.breaker).toBe('open');
    proxy.setMode('pass');
    await proxy.close();
    client.disconnect();
  }, 20_000);
});
