import { eventually, requireRedis, startFaultProxy, uniquePrefix } from '@ballast/test-utils';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createService, type Service } from '../src/service.js';

const url = await requireRedis();

async function deleteUnder(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 200);
    cursor = next;
    if (keys.length > 0) deleted += await redis.del(...keys);
  } while (cursor !== '0');
  return deleted;
}

describe.skipIf(!url)('the service with REDIS_URL', () => {
  const prefix = uniquePrefix('http-service');
  const quiet = { name: 'discard', write() {} };
  let redis: Redis;
  let a: Service;
  let b: Service;

  beforeAll(async () => {
    redis = new Redis(url as string);
    const config = {
      redisUrl: url,
      redisPrefix: prefix,
      trustProxy: true,
      logSinks: [quiet],
      limits: [{ max: 3, per: '1m' }],
    };
    a = await createService(config);
    b = await createService(config);
  });

  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await deleteUnder(redis, prefix);
    await redis.quit();
  });

  it('shares the cache L2 between replicas: the second one never calls its upstream', async () => {
    const first = await fetch(`${a.url}/products/5`, { headers: { 'x-forwarded-for': '10.9.0.1' } });
    expect(first.status).toBe(200);
    const second = await fetch(`${b.url}/products/5`, { headers: { 'x-forwarded-for': '10.9.0.2' } });
    expect(second.status).toBe(200);
    expect(await second.json()).toEqual(await first.json());
    expect(b.upstream.stats().requests).toBe(0);
    const tiers = b.catalog.cache.stats().tiers.map((tier) => tier.name);
    expect(tiers).toEqual(['memory', 'redis']);
    expect(await redis.keys(`${prefix}cache:*`)).not.toHaveLength(0);
  });

  it('rate-limits one client across replicas with the Redis limiter', async () => {
    const headers = { 'x-forwarded-for': '10.9.1.1' };
    const statuses: number[] = [];
    for (const service of [a, b, a, b]) {
      statuses.push((await fetch(`${service.url}/products/6`, { headers })).status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    const refused = await fetch(`${a.url}/products/6`, { headers });
    expect(refused.headers.get('ratelimit-limit')).toBe('3');
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(await redis.keys(`${prefix}ratelimit:*`)).not.toHaveLength(0);
  });

  it('reports Redis and the cache L2 in its health', async () => {
    const res = await fetch(`${a.url}/health/ready`);
    expect(res.status).toBe(200);
    const report = (await res.json()) as {
      checks: Record<string, Array<{ status: string; details?: unknown }>>;
    };
    expect(report.checks['redis:responseTime']?.[0]?.status).toBe('pass');
    expect(report.checks['circuit:ratelimit']?.[0]?.status).toBe('pass');
    expect(report.checks['cache:catalog']?.[0]).toMatchObject({
      status: 'pass',
      details: { tiers: { redis: 'closed' } },
    });
  });
});

describe.skipIf(!url)('the service when Redis stops answering', () => {
  it('keeps answering within the limits: local buckets decide behind the breaker, L1 hits need no Redis', async () => {
    const target = new URL(url as string);
    const proxy = await startFaultProxy({
      target: { host: target.hostname, port: Number(target.port || 6379) },
    });
    const prefix = uniquePrefix('http-service');
    const service = await createService({
      redisUrl: `redis://127.0.0.1:${proxy.port}`,
      redisPrefix: prefix,
      logSinks: [{ name: 'discard', write() {} }],
      limits: [{ max: 3, per: '1m' }],
    });
    const redis = new Redis(url as string);
    try {
      expect((await fetch(`${service.url}/products/7`)).status).toBe(200);
      proxy.setMode('blackhole');
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await fetch(`${service.url}/products/7`)).status);
      // Neither everyone (fail open) nor no one (fail closed): this replica's own 3 per
      // minute (less one when the first request, on a cold connection, outran the 100 ms guard).
      const admitted = statuses.filter((status) => status === 200).length;
      expect(admitted).toBeGreaterThanOrEqual(2);
      expect(statuses).toEqual([...Array(admitted).fill(200), ...Array(6 - admitted).fill(429)]);
      const report = await service.health.check();
      expect(report.checks['circuit:ratelimit']?.[0]).toMatchObject({ status: 'warn' });
    } finally {
      proxy.setMode('pass');
      await service.close();
      await proxy.close();
      await deleteUnder(redis, prefix);
      await redis.quit();
    }
  });
});

describe.skipIf(!url)('the service when Redis refuses connections', () => {
  it('routes the Redis client errors to its logger, and keeps serving', async () => {
    const target = new URL(url as string);
    const proxy = await startFaultProxy({
      target: { host: target.hostname, port: Number(target.port || 6379) },
    });
    const lines: Array<{ level: string; msg: string; err?: { message?: string }; report?: unknown }> = [];
    const service = await createService({
      redisUrl: `redis://127.0.0.1:${proxy.port}`,
      redisPrefix: uniquePrefix('http-service'),
      logSinks: [{ name: 'memory', write: (line) => void lines.push(JSON.parse(line)) }],
    });
    try {
      expect((await fetch(`${service.url}/products/8`)).status).toBe(200);
      proxy.setMode('refuse');
      proxy.dropConnections();
      await eventually(
        () => lines.some((line) => line.msg === 'redis client error'),
        'a Redis client error in the log',
      );
      const logged = lines.find((line) => line.msg === 'redis client error');
      expect(logged).toMatchObject({ level: 'warn', err: { message: expect.any(String) } });
      // …and to the error reporter, from the client and from the cache's Redis tier and bus
      // (one report per kind of failure, its repeats folded while Redis stays away).
      await service.reports.reporter.flush();
      await service.logger.flush();
      const reported = lines.flatMap((line) =>
        line.msg.startsWith('error report: ') ? [line.report as { context?: Record<string, unknown> }] : [],
      );
      expect(reported.length).toBeGreaterThan(0);
      for (const { context } of reported) {
        expect(context?.component === 'redis' || ['bus', 'redis'].includes(String(context?.tier))).toBe(true);
      }
      expect((await fetch(`${service.url}/products/8`)).status).toBe(200);
    } finally {
      proxy.setMode('pass');
      await service.close();
      await proxy.close();
    }
  });
});
