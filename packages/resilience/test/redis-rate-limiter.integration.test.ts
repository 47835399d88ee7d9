import { ManualClock } from '@ballast/core/testing';
import { ConfigurationError, TimeoutError, ValidationError } from '@ballast/errors';
import {
  type RedisTopology,
  redisTopologies,
  requireRedis,
  startFaultProxy,
  startRedisServer,
  uniquePrefix,
} from '@ballast/test-utils';
import fc from 'fast-check';
import { type Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RateLimitDecision, rateLimitHeaders, redisRateLimiter } from '../src/index.js';

const url = await requireRedis();

// The algorithms on a single node, a 3+3 Redis Cluster and a Sentinel setup.
const topologies = await redisTopologies();
const base = uniquePrefix('resilience');
afterAll(async () => {
  for (const topology of topologies) {
    try {
      await topology.deleteKeys(`${base}*`);
    } finally {
      await topology.stop();
    }
  }
});

describe.each(topologies)('redisRateLimiter on $name', (topology: RedisTopology) => {
  const prefix = `${base}${topology.name}:`;
  const clients: Array<Redis | Cluster> = [];
  let redis: Redis | Cluster;

  beforeAll(() => {
    for (let i = 0; i < 5; i++) clients.push(topology.client());
    redis = clients[0]!;
  });

  it('admits up to max in the window, then refuses with Retry-After', async () => {
    const limiter = redisRateLimiter({ client: redis, limits: [{ max: 3, per: '1m' }], prefix });
    const decisions: RateLimitDecision[] = [];
    for (let i = 0; i < 4; i++) decisions.push(await limiter.take('user:1'));
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(decisions.map((d) => d.remaining)).toEqual([2, 1, 0, 0]);
    const refused = decisions[3]!;
    expect(refused.limit).toBe(3);
    expect(refused.retryAfterMs).toBeGreaterThan(58_000);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(60_000);
    const headers = rateLimitHeaders(refused);
    expect(headers['RateLimit-Limit']).toBe('3');
    expect(headers['RateLimit-Remaining']).toBe('0');
    expect(Number(headers['Retry-After'])).toBeGreaterThanOrEqual(59);
    expect((await limiter.take('user:2')).allowed).toBe(true);
  });

  it('checks every limit and consumes from all of them, or from none', async () => {
    const limiter = redisRateLimiter({
      client: redis,
      limits: [
        { max: 2, per: '1s' },
        { max: 5, per: '1h' },
      ],
      prefix,
    });
    expect((await limiter.take('k', 2)).allowed).toBe(true);
    const refused = await limiter.take('k', 1);
    expect(refused).toMatchObject({ allowed: false, limit: 2, remaining: 0 });
    const keys = await topology.keys(`${prefix}{k}*`);
    expect(keys.sort()).toEqual([`${prefix}{k}:2:1000`, `${prefix}{k}:5:3600000`]);
    expect(await redis.zcard(`${prefix}{k}:5:3600000`)).toBe(2);
    expect((await limiter.take('k', 0)).remaining).toBe(0);
  });

  it('never admits more than max when several clients take at once', async () => {
    const max = 25;
    const limiters = clients.map((client) =>
      redisRateLimiter({ client, limits: [{ max, per: '1m' }], prefix }),
    );
    const takes = limiters.flatMap((limiter) => Array.from({ length: 15 }, () => limiter.take('shared')));
    const decisions = await Promise.all(takes);
    expect(decisions.filter((d) => d.allowed)).toHaveLength(max);
    expect(decisions.filter((d) => !d.allowed).every((d) => d.retryAfterMs > 0)).toBe(true);
  });

  it('never over-admits under generated concurrent workloads from several clients', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 20 }),
        fc.constantFrom('sliding-window' as const, 'gcra' as const),
        fc.array(fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 12 }), {
          minLength: 2,
          maxLength: clients.length,
        }),
        async (max, algorithm, perClient) => {
          const key = `prop:${run++}`;
          const limiters = perClient.map((_, i) =>
            redisRateLimiter({
              client: clients[i]!,
              limits: [
                { max: Math.max(max, 3), per: '1m' },
                { max: 100, per: '1h' },
              ],
              prefix,
              algorithm,
            }),
          );
          const takes = perClient.flatMap((costs, i) =>
            costs.map((cost) => limiters[i]!.take(key, cost).then((d) => ({ d, cost }))),
          );
          const results = await Promise.all(takes);
          const admitted = results.filter((r) => r.d.allowed).reduce((sum, r) => sum + r.cost, 0);
          expect(admitted).toBeLessThanOrEqual(Math.max(max, 3));
          if (algorithm === 'sliding-window') {
            expect(await redis.zcard(`${prefix}{${key}}:${Math.max(max, 3)}:60000`)).toBe(admitted);
          }
        },
      ),
      { numRuns: 15 },
    );
  });

  it('with GCRA admits a burst of max, then one unit every per/max', async () => {
    const limiter = redisRateLimiter({
      client: redis,
      limits: [{ max: 4, per: '1m' }],
      prefix,
      algorithm: 'gcra',
    });
    const decisions: RateLimitDecision[] = [];
    for (let i = 0; i < 5; i++) decisions.push(await limiter.take('gcra:1'));
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, true, false]);
    expect(decisions.map((d) => d.remaining)).toEqual([3, 2, 1, 0, 0]);
    const refused = decisions[4]!;
    expect(refused.limit).toBe(4);
    expect(refused.retryAfterMs).toBeGreaterThan(14_000);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(15_000);
    expect(refused.resetMs).toBeGreaterThan(59_000);
    expect(await redis.pttl(`${prefix}{gcra:1}:gcra:4:60000`)).toBeGreaterThan(59_000);
    expect((await limiter.take('gcra:1', 0)).allowed).toBe(true);
  });

  it('takes a large cost in one call (more members than one Lua unpack can hold)', async () => {
    const limiter = redisRateLimiter({ client: redis, limits: [{ max: 10_000, per: '1m' }], prefix });
    expect(await limiter.take('bulk', 5_000)).toMatchObject({ allowed: true, remaining: 5_000 });
    expect(await limiter.take('bulk', 5_000)).toMatchObject({ allowed: true, remaining: 0 });
    expect((await limiter.take('bulk')).allowed).toBe(false);
    expect(await redis.zcard(`${prefix}{bulk}:10000:60000`)).toBe(10_000);
  });
});

describe.skipIf(!url)('redisRateLimiter (real Redis)', () => {
  const prefix = `${base}single-node:`;
  let redis: Redis;

  beforeAll(() => {
    redis = new Redis(url!);
  });
  afterAll(() => redis.quit());

  it('rejects an empty key or a cost above the smallest max as invalid input (ValidationError, 400)', async () => {
    const limiter = redisRateLimiter({
      client: redis,
      limits: [
        { max: 5, per: 1000 },
        { max: 50, per: 60_000 },
      ],
      prefix,
    });
    const invalid = (error: unknown) => ValidationError.is(error) && !ConfigurationError.is(error);
    await expect(limiter.take('k', 6)).rejects.toSatisfy(invalid);
    await expect(limiter.take('k', 6)).rejects.toMatchObject({
      status: 400,
      message:
        "Invalid cost for redisRateLimiter.take(): got 6; expected a whole number from 0 to 5 (the smallest limit's max).",
      details: { argument: 'cost' },
    });
    await expect(limiter.take('k', 1.5)).rejects.toThrow(/got 1.5;/);
    await expect(limiter.take('k', -1)).rejects.toSatisfy(invalid);
    await expect(limiter.take('')).rejects.toSatisfy(invalid);
    await expect(limiter.take('')).rejects.toThrow(
      'Invalid key for redisRateLimiter.take(): got an empty string; expected a non-empty string.',
    );
    await expect(limiter.take(42 as never)).rejects.toThrow(/got 42;/);
    await expect(limiter.take(undefined as never)).rejects.toThrow(/key .*got undefined;/);
    await expect(limiter.take('k', null as never)).rejects.toThrow(/cost .*got null;/);
    await expect(limiter.take('k', true as never)).rejects.toThrow(/cost .*got true;/);
    await expect(limiter.take({ secret: 'x' } as never)).rejects.toThrow(/got an object;/);
    expect(await redis.exists(`${prefix}{k}:5:1000`)).toBe(0);
    expect((await limiter.take('k', 5)).allowed).toBe(true);
  });

  it('refuses bad options with ConfigurationError', () => {
    expect(() => redisRateLimiter({ client: {} as never, limits: [{ max: 1, per: 1 }] })).toThrow(/client/);
    expect(() => redisRateLimiter({ client: redis, limits: [] })).toThrow(/limits/);
    expect(() => redisRateLimiter({ client: redis, limits: [{ max: 0, per: 1 }] })).toThrow(/max/);
    expect(() => redisRateLimiter({ client: redis, limits: [{ max: 1, per: 0 }] })).toThrow(/per/);
    expect(() =>
      redisRateLimiter({ client: redis, limits: [{ max: 1, per: 1 }], onRedisError: 'x' as never }),
    ).toThrow(/'local', 'allow' or 'deny'/);
    expect(() =>
      redisRateLimiter({ client: redis, limits: [{ max: 1, per: 1 }], expectedInstances: 0 }),
    ).toThrow(/expectedInstances/);
    expect(() => redisRateLimiter({ client: redis, limits: [{ max: 1, per: 1 }], timeout: 0 })).toThrow(
      /timeout/,
    );
    expect(() =>
      redisRateLimiter({ client: redis, limits: [{ max: 1, per: 1 }], timeout: 'soon' as never }),
    ).toThrow(/timeout/);
  });

  it('follows onRedisError when Redis stops answering, after the timeout and not before', async () => {
    const { hostname, port } = new URL(url!);
    const proxy = await startFaultProxy({ target: { host: hostname, port: Number(port || 6379) } });
    const client = new Redis({ host: '127.0.0.1', port: proxy.port, maxRetriesPerRequest: 0 });
    const clock = new ManualClock();
    try {
      const limits = [{ max: 5, per: '1m' }];
      const open = redisRateLimiter({
        client,
        limits,
        prefix,
        clock,
        timeout: '300ms',
        onRedisError: 'allow',
      });
      const closed = redisRateLimiter({ client, limits, prefix, clock, onRedisError: 'deny' });
      const errors: unknown[] = [];
      open.on('error', (e) => errors.push(e.error));
      expect((await open.take('hole')).remaining).toBe(4);
      proxy.setMode('blackhole');
      let settled = false;
      const admitted = open.take('hole').finally(() => {
        settled = true;
      });
      const refused = closed.take('hole');
      await clock.advance(299);
      expect(settled).toBe(false);
      await clock.advance(1);
      expect(await admitted).toMatchObject({ allowed: true, remaining: 5 });
      expect(errors[0]).toBeInstanceOf(TimeoutError);
      expect((errors[0] as Error).message).toContain('300 ms');
      await clock.advance(700); // the default timeout, 1 s
      expect(await refused).toMatchObject({ allowed: false, retryAfterMs: 60_000 });
      expect(clock.pendingTimers).toBe(0);
    } finally {
      client.disconnect();
      await proxy.close();
    }
  });

  it('while Redis is black-holed or refused admits only its local share, at most share·(1 + t/per), then Redis decides again', async () => {
    const { hostname, port } = new URL(url!);
    const proxy = await startFaultProxy({ target: { host: hostname, port: Number(port || 6379) } });
    const client = new Redis({ host: '127.0.0.1', port: proxy.port, maxRetriesPerRequest: 0 });
    client.on('error', () => {}); // refused connections are the point here
    const clock = new ManualClock();
    try {
      const limiter = redisRateLimiter({
        client,
        limits: [{ max: 10, per: '1m' }],
        expectedInstances: 2,
        prefix,
        clock,
        timeout: '100ms',
      });
      const errors: boolean[] = [];
      limiter.on('error', (e) => errors.push(e.allowed));
      expect(await limiter.take('stall')).toMatchObject({ allowed: true, limit: 10 });
      proxy.setMode('blackhole');
      const started = clock.now();
      let admitted = 0;
      let calls = 0;
      // 200 callers at once, then 20 more every 3 s for 30 s of stall.
      for (let wave = 0; wave <= 10; wave++) {
        const takes = Array.from({ length: wave === 0 ? 200 : 20 }, () => limiter.take('stall'));
        calls += takes.length;
        await clock.advance(100);
        for (const decision of await Promise.all(takes)) {
          if (decision.allowed) admitted++;
          expect(decision.limit).toBe(5);
        }
        await clock.advance(2_900);
      }
      const stall = clock.now() - started;
      const share = 5;
      expect(admitted).toBeLessThanOrEqual(Math.floor(share * (1 + stall / 60_000)));
      expect(admitted).toBeGreaterThanOrEqual(share); // not fail-closed either
      expect(errors).toHaveLength(calls);
      // Refused connections: the same local share, for another key.
      proxy.setMode('refuse');
      const refusing = Array.from({ length: 8 }, () => limiter.take('refused'));
      await clock.advance(100);
      const decided = await Promise.all(refusing);
      expect(decided.filter((decision) => decision.allowed)).toHaveLength(5);
      proxy.setMode('pass');
      expect((await limiter.take('after')).limit).toBe(10);
    } finally {
      client.disconnect();
      await proxy.close();
    }
  });

  it('waits for Redis as long as the client does with timeout: false', async () => {
    const clock = new ManualClock();
    const limiter = redisRateLimiter({
      client: redis,
      limits: [{ max: 1, per: '1m' }],
      prefix,
      clock,
      timeout: false,
    });
    expect((await limiter.take('no-deadline')).allowed).toBe(true);
    expect(clock.pendingTimers).toBe(0);
  });
});

describe.skipIf(!url)('redisRateLimiter (throwaway Redis)', () => {
  it('loads its script on NOSCRIPT, and follows onRedisError when Redis is down', async () => {
    const server = await startRedisServer();
    const client = new Redis(server.url, {
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      lazyConnect: true,
    });
    try {
      await client.connect();
      const open = redisRateLimiter({ client, limits: [{ max: 5, per: '1m' }], onRedisError: 'allow' });
      const closed = redisRateLimiter({ client, limits: [{ max: 5, per: '1m' }], onRedisError: 'deny' });
      const errors: boolean[] = [];
      closed.on('error', (e) => errors.push(e.allowed));
      expect((await open.take('x')).allowed).toBe(true);
      expect((await open.take('x')).remaining).toBe(3);
      client.on('error', () => {});
      await server.kill();
      expect(await open.take('x')).toMatchObject({ allowed: true, remaining: 5 });
      expect(await closed.take('x')).toMatchObject({ allowed: false, remaining: 0, retryAfterMs: 60_000 });
      expect(errors).toEqual([false]);

      // The default: this process's share of every limit, refusing a cost above it.
      const local = redisRateLimiter({
        client,
        limits: [
          { max: 4, per: '1s' },
          { max: 7, per: '1h' },
        ],
        expectedInstances: 2,
      });
      expect(await local.take('y')).toMatchObject({ allowed: true, limit: 2, remaining: 1 });
      expect(await local.take('y', 3)).toMatchObject({ allowed: false, limit: 2, retryAfterMs: 1_000 });
      expect(await local.take('y')).toMatchObject({ allowed: true, remaining: 0 });
      expect(await local.take('y')).toMatchObject({ allowed: false, limit: 2 });
      const wide = redisRateLimiter({
        client,
        limits: [
          { max: 9, per: '1s' },
          { max: 4, per: '1h' },
        ],
      });
      expect(await wide.take('z', 2)).toMatchObject({ allowed: true, limit: 4, remaining: 2 });
    } finally {
      client.disconnect();
      await server.stop();
    }
  });
});
