import { getTracer } from '@ballast/core';
import { requireRedis, uniquePrefix } from '@ballast/test-utils';
import { telemetryCapture } from '@ballast/test-utils/telemetry';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCache, memoryTier, redisTier } from '../src/index.js';

const url = await requireRedis();
const prefix = uniquePrefix('cache-trace');
const otel = telemetryCapture();

describe.skipIf(!url)('redisTier spans (real Redis)', () => {
  let client: Redis;

  beforeAll(() => {
    otel.install();
    client = new Redis(url!);
  });

  afterAll(async () => {
    await redisTier({ client, prefix }).clear();
    const left = await client.keys(`${prefix}*`);
    if (left.length > 0) await client.del(...left);
    client.disconnect();
    otel.uninstall();
  });

  it('puts db.* on Redis tier spans and nests under the caller span', async () => {
    const cache = createCache({ name: 'traced', tiers: [memoryTier(), redisTier({ client, prefix })] });
    await getTracer('demo').startActiveSpan('request', async (span) => {
      await cache.getOrSet('user:1', () => ({ id: 1 }));
      span.end();
    });
    const spans = otel.spans.getFinishedSpans();
    const request = spans.find((s) => s.name === 'request');
    const get = spans.find((s) => s.name === 'cache.get');
    const set = spans.find((s) => s.name === 'cache.set');
    expect(get?.attributes).toMatchObject({
      'cache.name': 'traced',
      'db.system.name': 'redis',
      'db.operation.name': 'get',
    });
    expect(set?.attributes['db.operation.name']).toBe('set');
    expect(get?.parentSpanContext?.spanId).toBe(request?.spanContext().spanId);
    expect(get?.spanContext().traceId).toBe(request?.spanContext().traceId);
    await cache.close();
  });
});
