import { requireRedis, uniquePrefix } from '@ballast/test-utils';
import { telemetryCapture } from '@ballast/test-utils/telemetry';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisRateLimiter } from '../src/index.js';

const url = await requireRedis();
const otel = telemetryCapture();

describe.skipIf(!url)('redisRateLimiter spans (real Redis)', () => {
  const prefix = uniquePrefix('resilience-trace');
  let redis: Redis;

  beforeAll(() => {
    otel.install();
    redis = new Redis(url!);
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    otel.uninstall();
  });

  it('records each round trip as a client span with db.* attributes', async () => {
    const limiter = redisRateLimiter({ client: redis, limits: [{ max: 1, per: '1m' }], prefix });
    expect((await limiter.take('user:1')).allowed).toBe(true);
    expect((await limiter.take('user:1')).allowed).toBe(false);
    const spans = otel.spans
      .getFinishedSpans()
      .filter((span) => span.name === 'resilience.redis_rate_limiter.take');
    expect(spans).toHaveLength(2);
    for (const span of spans) {
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(span.attributes['db.system.name']).toBe('redis');
      expect(['EVALSHA', 'EVAL']).toContain(span.attributes['db.operation.name']);
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
    }
    // The second call found the script loaded by the first.
    expect(spans[1]!.attributes['db.operation.name']).toBe('EVALSHA');
    const execute = otel.spans.getFinishedSpans().filter((span) => span.name === 'resilience.execute');
    // The limiter's own deadline (a timeout policy) wraps the round trip.
    expect(spans[0]!.parentSpanContext?.spanId).toBe(execute[0]?.spanContext().spanId);
  });
});
