import { metrics, trace } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCache, memoryTier } from '../src/index.js';
import { mapTier } from './helpers.js';

const spans = new InMemorySpanExporter();
const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });

beforeAll(() => {
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }),
  );
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
});

afterAll(() => {
  trace.disable();
  metrics.disable();
});

describe('OpenTelemetry', () => {
  it('publishes ballast.cache.* metrics by namespace, tier and result', async () => {
    const cache = createCache({ name: 'otel', tiers: [memoryTier(), mapTier()] });
    await cache.getOrSet('k', () => 1);
    await cache.getOrSet('k', () => 1);
    await cache.delete('k');
    await reader.forceFlush();
    const found = exporter
      .getMetrics()
      .flatMap((m) => m.scopeMetrics)
      .flatMap((s) => s.metrics);
    const names = new Set(found.map((metric) => metric.descriptor.name));
    for (const name of [
      'ballast.cache.requests',
      'ballast.cache.tier.requests',
      'ballast.cache.writes',
      'ballast.cache.entries',
      'ballast.cache.bytes',
    ]) {
      expect(names).toContain(name);
    }
    const requests = found.find((metric) => metric.descriptor.name === 'ballast.cache.requests')!;
    const hit = requests.dataPoints.find((point) => point.attributes['cache.result'] === 'hit');
    expect(hit?.value).toBe(1);
    expect(hit?.attributes['cache.name']).toBe('otel');
    await cache.close();
  });

  it('traces tier I/O but never an L1 hit', async () => {
    spans.reset();
    const cache = createCache({ name: 'traced', tiers: [memoryTier(), mapTier()] });
    await cache.getOrSet('k', () => 1);
    const afterMiss = spans.getFinishedSpans().length;
    expect(spans.getFinishedSpans().map((span) => span.name)).toEqual(['cache.get', 'cache.set']);
    await cache.getOrSet('k', () => 1);
    expect(spans.getFinishedSpans().length).toBe(afterMiss);
    await cache.close();
  });
});
