import { metrics, SpanStatusCode, trace } from '@opentelemetry/api';
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
import { getMeter, getTracer, withSpan } from '../src/telemetry.js';

const spans = new InMemorySpanExporter();
const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 60_000 });

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

describe('telemetry helpers', () => {
  it('names tracers and meters @ballast/<pkg>', async () => {
    await withSpan(getTracer('cache'), 'cache.get', { 'cache.name': 'main' }, async () => 1);
    const [span] = spans.getFinishedSpans();
    expect(span?.instrumentationScope.name).toBe('@ballast/cache');
    expect(span?.attributes['cache.name']).toBe('main');

    getMeter('cache').createCounter('ballast.cache.requests').add(1, { 'cache.result': 'hit' });
    await reader.forceFlush();
    const scopes = metricExporter.getMetrics().flatMap((m) => m.scopeMetrics);
    expect(scopes.map((s) => s.scope.name)).toContain('@ballast/cache');
  });

  it('records a thrown error on the span and rethrows it', async () => {
    spans.reset();
    await expect(
      withSpan(getTracer('cache'), 'cache.redis.get', {}, async () => {
        throw new Error('redis down');
      }),
    ).rejects.toThrow('redis down');
    await expect(
      withSpan(getTracer('cache'), 'cache.redis.get', {}, async () => {
        throw 'plain';
      }),
    ).rejects.toBe('plain');
    const [first, second] = spans.getFinishedSpans();
    expect(first?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'redis down' });
    expect(first?.events[0]?.name).toBe('exception');
    expect(second?.status.message).toBe('plain');
  });

  it('rejects names that are not bare package names', () => {
    expect(() => getTracer('@ballast/cache')).toThrow(/use the bare name/);
    expect(() => getMeter('')).toThrow(TypeError);
  });
});
