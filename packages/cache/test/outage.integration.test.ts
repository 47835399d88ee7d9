import {
  eventually,
  type RedisServer,
  requireRedis,
  startRedisServer,
  uniquePrefix,
} from '@ballast/test-utils';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type CacheEvents, createCache, memoryTier, redisBus, redisTier } from '../src/index.js';

const url = await requireRedis();
const prefix = uniquePrefix('cache-outage');

const code = (error: unknown): unknown => (error as { code?: unknown } | undefined)?.code;

describe.skipIf(!url)('Redis unreachable when the cache starts or closes', () => {
  let server: RedisServer;
  const clients: Redis[] = [];

  beforeAll(async () => {
    server = await startRedisServer();
  });

  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await server?.stop();
  });

  it('subscribes the bus once Redis comes up, clearing L1 of what it may have missed', async () => {
    await server.kill();
    const down = new Redis(server.url, { retryStrategy: () => 20, maxRetriesPerRequest: 1 });
    down.on('error', () => {});
    clients.push(down);
    const channel = `${prefix}late-bus`;
    const late = createCache({
      name: 'late',
      tiers: [memoryTier()],
      bus: redisBus({ client: down, channel }),
    });
    const errors: unknown[] = [];
    late.on('error', ({ error }) => errors.push(error));
    const reconnects = vi.fn();
    late.on('bus:reconnect', reconnects);
    const invalidated = vi.fn();
    late.on('invalidate', invalidated);
    // The subscriber's first connection is refused while Redis is down.
    await eventually(() => errors.length > 0);
    await late.set('held', 'set while Redis was down');
    expect(await late.get('held')).toBe('set while Redis was down');

    await server.restart();
    await eventually(async () => {
      const [, subscribers] = (await down.pubsub('NUMSUB', channel)) as [string, number];
      return subscribers === 1;
    }, 'the subscription');
    await eventually(() => late.get('held').then((value) => value === undefined), 'L1 cleared');
    expect(reconnects).toHaveBeenCalled();

    const up = new Redis(server.url);
    up.on('error', () => {});
    clients.push(up);
    const peer = createCache({ name: 'late', tiers: [memoryTier()], bus: redisBus({ client: up, channel }) });
    await late.set('k', 'mine');
    await peer.delete('k');
    await eventually(() => invalidated.mock.calls.length > 0);
    expect(invalidated).toHaveBeenCalledWith({ type: 'delete', keys: ['k'] });
    expect(await late.get('k')).toBeUndefined();
    const subscribed = reconnects.mock.calls.length;
    await late.set('k2', 'kept');
    expect(await late.get('k2')).toBe('kept');
    expect(reconnects).toHaveBeenCalledTimes(subscribed);
    await late.close();
    await peer.close();
  });

  it('closes at once while Redis is down, its own clients reporting their errors instead of printing them', async () => {
    await server.kill();
    const printed = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const cache = createCache({
        tiers: [memoryTier(), redisTier({ url: server.url, prefix })],
        bus: redisBus({ url: server.url, channel: `${prefix}down-bus` }),
        protection: { timeout: 50, failures: 1_000 },
      });
      const errors: CacheEvents['error'][] = [];
      cache.on('error', (event) => errors.push(event));
      let reads = 0;
      await eventually(async () => {
        expect(await cache.getOrSet(`k${reads++}`, () => 'from the factory')).toBe('from the factory');
        return (
          errors.some(
            ({ tier, error }) => tier === 'redis' && code((error as Error).cause) === 'ECONNREFUSED',
          ) && errors.some(({ operation, error }) => operation === 'bus' && code(error) === 'ECONNREFUSED')
        );
      });
      const started = Date.now();
      await cache.close();
      expect(Date.now() - started).toBeLessThan(500);
      const fromIoredis = printed.mock.calls.filter((args) => String(args[0]).includes('[ioredis]'));
      expect(fromIoredis).toEqual([]);
    } finally {
      printed.mockRestore();
    }
  });

  it('opens no connection once closed, so nothing is left to keep the process alive', async () => {
    await server.restart();
    const probe = new Redis(server.url);
    probe.on('error', () => {});
    clients.push(probe);
    // The tier and bus use database 7, so their connections are told apart from other tests' clients.
    const inDb7 = async () =>
      ((await probe.client('LIST')) as string).split('\n').filter((line) => / db=7 /.test(line));
    const bus = redisBus({ url: `${server.url}/7`, channel: `${prefix}closed-bus` });
    const tier = redisTier({ url: `${server.url}/7`, prefix });
    await bus.close();
    await tier.close?.();
    const handlers = { message: vi.fn(), reconnect: vi.fn(), error: vi.fn() };
    await bus.subscribe(handlers);
    await bus.publish({ from: 'me', cache: 'c', type: 'clear' });
    await expect(tier.get('k')).rejects.toThrow(/closed/);
    expect(await inDb7()).toEqual([]);
    expect(handlers.error).not.toHaveBeenCalled();
  });

  it('closes at once a bus whose subscriber waits for Redis with maxRetriesPerRequest: null', async () => {
    await server.kill();
    const patient = new Redis(server.url, { retryStrategy: () => 20, maxRetriesPerRequest: null });
    patient.on('error', () => {});
    clients.push(patient);
    const cache = createCache({
      tiers: [memoryTier()],
      bus: redisBus({ client: patient, channel: `${prefix}p` }),
    });
    const errors = vi.fn();
    cache.on('error', errors);
    await eventually(() => errors.mock.calls.length > 2); // the subscriber failed to connect a few times
    const started = Date.now();
    await cache.close();
    expect(Date.now() - started).toBeLessThan(500);
  });
});
