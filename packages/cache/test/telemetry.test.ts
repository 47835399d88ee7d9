import { ManualClock } from '@ballast/core/testing';
import { telemetryCapture } from '@ballast/test-utils/telemetry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCache, memoryTier } from '../src/index.js';
import { telemetry } from '../src/telemetry.js';
import { mapTier } from './helpers.js';

const otel = telemetryCapture();
beforeAll(otel.install);
afterAll(otel.uninstall);

describe('OpenTelemetry', () => {
  it('publishes ballast.cache.* metrics by namespace, tier and result', async () => {
    const cache = createCache({ name: 'otel', tiers: [memoryTier(), mapTier()] });
    await cache.getOrSet('k', () => 1);
    await cache.getOrSet('k', () => 1);
    await cache.delete('k');
    const found = await otel.metrics('@ballast/cache');
    const names = new Set(found.keys());
    for (const name of [
      'ballast.cache.requests',
      'ballast.cache.tier.requests',
      'ballast.cache.writes',
      'ballast.cache.entries',
      'ballast.cache.bytes',
    ]) {
      expect(names).toContain(name);
    }
    const requests = found.get('ballast.cache.requests')?.points ?? [];
    const hit = requests.find((point) => point.attributes['cache.result'] === 'hit');
    expect(hit?.value).toBe(1);
    expect(hit?.attributes['cache.name']).toBe('otel');
    await cache.close();
  });

  it('publishes the write-behind queue: queued writes and writes by result', async () => {
    const l2 = mapTier();
    const clock = new ManualClock();
    const cache = createCache({ name: 'queued', tiers: [memoryTier(), l2], clock, writeBehind: true });
    await cache.set('a', 1);
    const before = await otel.metrics('@ballast/cache');
    const gauge = before.get('ballast.cache.write_behind.queued')?.points ?? [];
    expect(gauge.find((point) => point.attributes['cache.name'] === 'queued')?.value).toBe(1);
    await clock.advance(100);
    const after = await otel.metrics('@ballast/cache');
    const writes = after.get('ballast.cache.write_behind.writes')?.points ?? [];
    const flushed = writes.find(
      (point) =>
        point.attributes['cache.name'] === 'queued' && point.attributes['cache.result'] === 'flushed',
    );
    expect(flushed?.value).toBe(1);
    await cache.close();
  });

  it('publishes the metrics of a cache built before the SDK was registered, once it is', async () => {
    otel.uninstall();
    const cache = createCache({ name: 'early', tiers: [memoryTier()] });
    await cache.getOrSet('k', () => 1);
    otel.install();
    await cache.set('k', 2); // the first write after registration resolves the instruments
    await cache.get('k');
    const requests = (await otel.points('@ballast/cache', 'ballast.cache.requests')).filter(
      (point) => point.attributes['cache.name'] === 'early',
    );
    expect(requests.find((point) => point.attributes['cache.result'] === 'hit')?.value).toBe(1);
    expect(requests.find((point) => point.attributes['cache.result'] === 'miss')?.value).toBe(1);
    await cache.close();
  });

  it('publishes every metric of the definitions, with its unit', async () => {
    const cache = createCache({ name: 'units', tiers: [memoryTier(), mapTier()], writeBehind: true });
    await cache.getOrSet('k', () => 1);
    const found = await otel.metrics('@ballast/cache');
    for (const metric of Object.values(telemetry.definitions.metrics)) {
      expect(found.get(metric.name)?.unit, metric.name).toBe(metric.unit);
    }
    await cache.close();
  });

  it('traces tier I/O, with active spans, but never an L1 hit', async () => {
    otel.spans.reset();
    const cache = createCache({ name: 'traced', tiers: [memoryTier(), mapTier()] });
    await cache.getOrSet('k', () => 1);
    const afterMiss = otel.spans.getFinishedSpans().length;
    const spans = otel.spans.getFinishedSpans();
    expect(spans.filter((span) => span.name.startsWith('cache.')).map((span) => span.name)).toEqual([
      'cache.get',
      'cache.set',
    ]);
    // Tier spans are active: the L2 guard's own spans (and a Redis client's) nest under them.
    const get = spans.find((span) => span.name === 'cache.get');
    const guard = spans.find((span) => span.name === 'resilience.execute');
    expect(guard?.parentSpanContext?.spanId).toBe(get?.spanContext().spanId);
    await cache.getOrSet('k', () => 1);
    expect(otel.spans.getFinishedSpans().length).toBe(afterMiss);
    await cache.close();
  });
});
