import {
  type RedisServer,
  type RedisTopology,
  redisTopologies,
  requireRedis,
  startRedisServer,
  uniquePrefix,
} from '@ballast/test-utils';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RateLimitDecision, redisRateLimiter } from '../src/index.js';

const url = await requireRedis();
const base = uniquePrefix('resilience-batch');

/** How many times Redis ran `command` (lower case) since the last `CONFIG RESETSTAT`. */
async function calls(redis: Redis, command: string): Promise<number> {
  const stats = await redis.info('commandstats');
  return Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
}

/** What a decision says, without the timings that move with the clock. */
const shape = (d: RateLimitDecision) => ({
  allowed: d.allowed,
  remaining: d.remaining,
  limit: d.limit,
  never: d.retryAfterMs === Number.POSITIVE_INFINITY,
});

describe.skipIf(!url)('redisRateLimiter batching (throwaway Redis)', () => {
  let server: RedisServer;
  let redis: Redis;

  beforeAll(async () => {
    server = await startRedisServer();
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
  });

  it.each(['sliding-window', 'gcra'] as const)(
    'decides the calls made in one tick in one script run (%s)',
    async (algorithm) => {
      const limiter = redisRateLimiter({
        client: redis,
        limits: [
          { max: 3, per: '1m' },
          { max: 100, per: '1h' },
        ],
        prefix: `${algorithm}:`,
        algorithm,
      });
      await limiter.take('warm'); // loads the script
      await redis.config('RESETSTAT');
      const decisions = await Promise.all(Array.from({ length: 50 }, (_, i) => limiter.take(`k${i % 10}`)));
      expect(await calls(redis, 'evalsha')).toBe(1);
      expect(await calls(redis, 'eval')).toBe(0);
      // Five calls per key, in order: three admitted, then refused with a finite wait.
      for (let key = 0; key < 10; key++) {
        const mine = decisions.filter((_, i) => i % 10 === key);
        expect(mine.map((d) => d.allowed)).toEqual([true, true, true, false, false]);
        expect(mine.map((d) => d.remaining)).toEqual([2, 1, 0, 0, 0]);
        expect(mine.every((d) => d.limit === 3 && Number.isFinite(d.retryAfterMs))).toBe(true);
      }
      // A lone call later is its own run.
      await redis.config('RESETSTAT');
      expect((await limiter.take('k0')).allowed).toBe(false);
      expect(await calls(redis, 'evalsha')).toBe(1);
    },
  );

  it('sends a large tick as several runs of at most 128 calls', async () => {
    const limiter = redisRateLimiter({
      client: redis,
      limits: [{ max: 1_000, per: '1m' }],
      prefix: 'large:',
    });
    await limiter.take('warm');
    await redis.config('RESETSTAT');
    const decisions = await Promise.all(Array.from({ length: 300 }, () => limiter.take('one')));
    expect(await calls(redis, 'evalsha')).toBe(3);
    expect(decisions.map((d) => d.remaining)).toEqual(Array.from({ length: 300 }, (_, i) => 999 - i));
    expect(await redis.zcard('large:{one}:1000:60000')).toBe(300);
  });

  it('loads the script once for a whole tick after NOSCRIPT', async () => {
    const limiter = redisRateLimiter({ client: redis, limits: [{ max: 5, per: '1m' }], prefix: 'noscript:' });
    await redis.script('FLUSH');
    await redis.config('RESETSTAT');
    const decisions = await Promise.all(Array.from({ length: 8 }, () => limiter.take('x')));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(5);
    expect(await calls(redis, 'eval')).toBe(1);
  });

  it('with GCRA and a step below the clock precision still decides in Redis (no PX 0)', async () => {
    const limiter = redisRateLimiter({
      client: redis,
      limits: [{ max: 1_000_000_000, per: '1s' }],
      prefix: 'fine:',
      algorithm: 'gcra',
    });
    const errors: unknown[] = [];
    limiter.on('error', (event) => errors.push(event.error));
    await limiter.take('warm'); // loads the script
    await redis.config('RESETSTAT');
    const decisions = await Promise.all(Array.from({ length: 20 }, () => limiter.take('k')));
    expect(errors).toEqual([]);
    expect(decisions.every((d) => d.allowed && d.limit === 1_000_000_000)).toBe(true);
    // One SET for the tick's 20 calls, which Redis accepted (it expires 1 ms later).
    const stats = await redis.info('commandstats');
    expect(/cmdstat_set:calls=1,.*failed_calls=0/.exec(stats)).not.toBeNull();
  });

  it('fails only the calls of a key Redis refuses, each following onRedisError', async () => {
    const limiter = redisRateLimiter({
      client: redis,
      limits: [{ max: 5, per: '1m' }],
      prefix: 'wrongtype:',
      onRedisError: 'deny',
    });
    // A key of another type under the prefix makes the script fail; the run is split by key.
    await redis.set('wrongtype:{bad}:5:60000', 'not a sorted set');
    const errors: unknown[] = [];
    limiter.on('error', (event) => errors.push(event.error));
    await redis.config('RESETSTAT');
    const decisions = await Promise.all([limiter.take('bad'), limiter.take('good'), limiter.take('bad')]);
    expect(decisions.map((d) => d.allowed)).toEqual([false, true, false]);
    expect(decisions[1]!.remaining).toBe(4);
    expect(errors).toHaveLength(2);
    expect(String(errors[0])).toMatch(/WRONGTYPE/);
    expect(await calls(redis, 'evalsha')).toBe(3);
    // A refused run of one key is not retried.
    await redis.config('RESETSTAT');
    expect((await limiter.take('bad')).allowed).toBe(false);
    expect(await calls(redis, 'evalsha')).toBe(1);
  });

  it('fails every call of a run when Redis does not answer', async () => {
    const client = new Redis(server.url, {
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      lazyConnect: true,
    });
    client.on('error', () => {}); // it never connects: that is the point
    const limiter = redisRateLimiter({
      client,
      limits: [{ max: 5, per: '1m' }],
      prefix: 'offline:',
      onRedisError: 'allow',
    });
    const errors: unknown[] = [];
    limiter.on('error', (event) => errors.push(event.error));
    const decisions = await Promise.all([limiter.take('a'), limiter.take('b')]);
    expect(decisions.map((d) => d.allowed)).toEqual([true, true]);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toBe(errors[1]);
    client.disconnect();
  });
});

describe.skipIf(!url)('redisRateLimiter batching (real Redis)', () => {
  const prefix = `${base}property:`;
  let redis: Redis;

  beforeAll(() => {
    redis = new Redis(url!);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('decides a batch as it decides the same calls one at a time', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('sliding-window' as const, 'gcra' as const),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 3 })), {
          minLength: 1,
          maxLength: 30,
        }),
        async (algorithm, short, long, calls) => {
          const limits = [
            { max: Math.max(short, 3), per: '1m' },
            { max: Math.max(long, 3), per: '1h' },
          ];
          const at = run++;
          const batched = redisRateLimiter({ client: redis, limits, algorithm, prefix: `${prefix}b${at}:` });
          const serial = redisRateLimiter({ client: redis, limits, algorithm, prefix: `${prefix}s${at}:` });
          const together = await Promise.all(calls.map(([key, cost]) => batched.take(`k${key}`, cost)));
          const alone: RateLimitDecision[] = [];
          for (const [key, cost] of calls) alone.push(await serial.take(`k${key}`, cost));
          expect(together.map(shape)).toEqual(alone.map(shape));
        },
      ),
      { numRuns: 40 },
    );
  });
});

// Started at the top level, so that its afterAll stops it even when a filter skips every test.
const topologies = await redisTopologies({ include: ['cluster'] });
afterAll(async () => {
  for (const topology of topologies) await topology.stop();
});

describe('redisRateLimiter batching on Redis Cluster', () => {
  describe.each(topologies)('$name', (topology: RedisTopology) => {
    it('runs one script per key (one slot each) for the calls of one tick', async () => {
      const cluster = topology.cluster!;
      const client = topology.client();
      const limiter = redisRateLimiter({
        client,
        limits: [{ max: 3, per: '1m' }],
        prefix: `${base}cluster:`,
      });
      // Loads the script on each key's master.
      await Promise.all(Array.from({ length: 10 }, (_, i) => limiter.take(`k${i}`, 0)));
      const masters = await cluster.masters();
      await Promise.all(masters.map((port) => cluster.cli(port, 'CONFIG', 'RESETSTAT')));
      const decisions = await Promise.all(Array.from({ length: 50 }, (_, i) => limiter.take(`k${i % 10}`)));
      let evalsha = 0;
      for (const port of masters) {
        const stats = await cluster.cli(port, 'INFO', 'commandstats');
        evalsha += Number(/cmdstat_evalsha:calls=(\d+)/.exec(stats)?.[1] ?? 0);
      }
      expect(evalsha).toBe(10);
      expect(decisions.filter((d) => d.allowed)).toHaveLength(30);
      await topology.deleteKeys(`${base}cluster:*`);
    });
  });
});
