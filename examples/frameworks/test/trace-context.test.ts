import type { AddressInfo } from 'node:net';
import type { LogSink } from '@ballast/logger';
import { context, metrics, propagation, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  AggregationTemporality,
  type HistogramMetricData,
  MeterProvider,
  MetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExpressApp, listenExpress } from '../src/express-app.js';
import { createFastifyApp } from '../src/fastify-app.js';
import { createServices, type Services } from '../src/services.js';

/** Collects on demand (the test calls `collect()`), exports nowhere. */
class TestReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

type StartApp = (services: Services) => Promise<{ url: string; stop: () => Promise<void> }>;

const apps: [string, StartApp][] = [
  [
    'Express 5',
    async (services) => {
      const server = await listenExpress(createExpressApp(services));
      return {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
      };
    },
  ],
  [
    'Fastify 5',
    async (services) => {
      const app = await createFastifyApp(services);
      return { url: await app.listen({ port: 0, host: '127.0.0.1' }), stop: () => app.close() };
    },
  ],
];

const spans = new InMemorySpanExporter();
const reader = new TestReader({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
const meterProvider = new MeterProvider({ readers: [reader] });
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);
});
afterAll(async () => {
  for (const api of [context, propagation, trace, metrics]) api.disable();
  await tracerProvider.shutdown();
  await meterProvider.shutdown();
});

/** The data points of `http.server.request.duration` collected so far. */
async function durations() {
  const { resourceMetrics } = await reader.collect();
  const metric = resourceMetrics.scopeMetrics
    .flatMap((scope) => scope.metrics)
    .find((m) => m.descriptor.name === 'http.server.request.duration') as HistogramMetricData | undefined;
  return { unit: metric?.descriptor.unit, points: metric?.dataPoints ?? [] };
}

describe.each(apps)('%s: trace context and HTTP server metrics', (name, start) => {
  const lines: Record<string, unknown>[] = [];
  const sink: LogSink = { name: 'memory', write: (line) => lines.push(JSON.parse(line)) };
  let services: Services;
  let base: string;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    spans.reset();
    services = createServices({ sinks: [sink] });
    ({ url: base, stop } = await start(services));
  });
  afterAll(async () => {
    await stop();
    await services.health.close();
    await services.logger.close();
  });

  it('continues an incoming traceparent: the server span and the log lines carry the caller’s trace', async () => {
    const traceId = name.startsWith('Express')
      ? '11111111111111111111111111111111'
      : '22222222222222222222222222222222';
    const parent = 'aaaaaaaaaaaaaaaa';
    const requestId = `traced-${traceId.slice(0, 4)}`;
    const res = await fetch(`${base}/courses/1`, {
      headers: { traceparent: `00-${traceId}-${parent}-01`, 'x-request-id': requestId },
    });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    await services.logger.flush();
    // The span ends when the response closes, which may come just after the client has read it.
    await expect.poll(() => spans.getFinishedSpans().length).toBeGreaterThan(0);
    const [span] = spans.getFinishedSpans();
    expect(span?.name).toBe('GET /courses/:id');
    expect(span?.kind).toBe(SpanKind.SERVER);
    expect(span?.spanContext().traceId).toBe(traceId);
    expect(span?.parentSpanContext?.spanId).toBe(parent);
    expect(span?.attributes).toEqual({
      'http.request.method': 'GET',
      'http.route': '/courses/:id',
      'http.response.status_code': 200,
    });

    const mine = lines.filter((line) => line.req_id === requestId);
    // The handler's line and the response line; Fastify's 'incoming request' line is
    // written before any hook runs, so outside the span.
    const traced = mine.filter((line) => line.msg !== 'incoming request');
    expect(traced.map((line) => line.msg)).toEqual(
      expect.arrayContaining(['course served', 'request completed']),
    );
    for (const line of traced) {
      expect(line.trace_id).toBe(traceId);
      expect(line.span_id).toBe(span?.spanContext().spanId);
    }
  });

  it('records http.server.request.duration in seconds by method, route and status', async () => {
    // Recorded when the response closes, which may come just after the client has read it.
    const point = async (status: number) =>
      (await durations()).points.find(
        (p) =>
          p.attributes['http.response.status_code'] === status &&
          p.attributes['http.route'] === '/courses/:id' &&
          p.attributes['http.request.method'] === 'GET',
      );
    // Both apps record into one provider: count from what is there before.
    const before = (await point(404))?.value.count ?? 0;
    expect((await fetch(`${base}/courses/42`)).status).toBe(404);
    await expect.poll(async () => (await point(404))?.value.count).toBe(before + 1);
    expect((await durations()).unit).toBe('s');
    const notFound = await point(404);
    expect(notFound?.value.sum).toBeGreaterThan(0);
    expect(notFound?.value.sum).toBeLessThan(5); // seconds, not milliseconds
    expect((await point(200))?.value.count).toBeGreaterThanOrEqual(1);
  });
});
