import { ManualClock } from '@ballast/core/testing';
import { UnavailableError } from '@ballast/errors';
import { metrics } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bulkhead,
  circuitBreaker,
  consecutiveFailures,
  constantBackoff,
  retry,
  timeout,
  tokenBucket,
} from '../src/index.js';

const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });

beforeAll(() => {
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
});

afterAll(() => {
  metrics.disable();
});

async function collect(): Promise<
  Map<string, Array<{ value: unknown; attributes: Record<string, unknown> }>>
> {
  await reader.forceFlush();
  const out = new Map<string, Array<{ value: unknown; attributes: Record<string, unknown> }>>();
  for (const resource of exporter.getMetrics()) {
    for (const scope of resource.scopeMetrics) {
      if (scope.scope.name !== '@ballast/resilience') continue;
      for (const metric of scope.metrics) {
        out.set(
          metric.descriptor.name,
          metric.dataPoints.map((p) => ({
            value: p.value,
            attributes: p.attributes as Record<string, unknown>,
          })),
        );
      }
    }
  }
  exporter.reset();
  return out;
}

describe('OpenTelemetry metrics', () => {
  it('counts attempts, retries, rejections by reason and reports breaker state', async () => {
    const clock = new ManualClock();
    const policy = retry({ maxAttempts: 2, backoff: constantBackoff(0), clock });
    await policy.execute(() => Promise.reject(new UnavailableError('x'))).catch(() => {});
    const breaker = circuitBreaker({ name: 'payments', strategy: consecutiveFailures(1), clock });
    await breaker.execute(() => Promise.reject(new UnavailableError('x'))).catch(() => {});
    await breaker.execute(() => 1).catch(() => {});
    const pool = bulkhead({ limit: 1, clock });
    const running = pool.execute(() => clock.sleep(5));
    await pool.execute(() => 1).catch(() => {});
    const limited = tokenBucket({ rate: 1, clock });
    await limited.execute(() => 1);
    await limited.execute(() => 1).catch(() => {});
    const slow = timeout(10, { clock }).execute(() => new Promise(() => {}));
    const settled = expect(slow).rejects.toThrow();
    await clock.advance(10);
    await settled;
    await running;

    const seen = await collect();
    expect(seen.get('ballast.resilience.attempts')?.[0]?.value).toBe(2);
    expect(seen.get('ballast.resilience.retries')?.[0]?.value).toBe(1);
    const rejections = (seen.get('ballast.resilience.rejections') ?? []).map(
      (p) => `${p.attributes['resilience.policy']}:${p.attributes['resilience.reason']}=${p.value}`,
    );
    expect(rejections.sort()).toEqual([
      'bulkhead:full=1',
      'circuit_breaker:open=1',
      'timeout:timeout=1',
      'token_bucket:rate_limited=1',
    ]);
    const state = seen
      .get('ballast.resilience.breaker.state')
      ?.find((p) => p.attributes['resilience.breaker'] === 'payments');
    expect(state?.value).toBe(1);
  });
});
