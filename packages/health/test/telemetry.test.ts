import { metrics } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHealth } from '../src/index.js';

const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });

beforeAll(() => {
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
});
afterAll(() => {
  metrics.disable();
});

describe('telemetry', () => {
  it('records each run in ballast.health.check.duration by check and status', async () => {
    const health = createHealth({
      checks: [
        { name: 'db', run: () => true },
        { name: 'queue', critical: false, run: () => false },
      ],
    });
    await health.check();
    await health.check();
    await reader.forceFlush();
    const scope = exporter
      .getMetrics()
      .flatMap((batch) => batch.scopeMetrics)
      .find((s) => s.scope.name === '@ballast/health');
    const metric = scope?.metrics.find((m) => m.descriptor.name === 'ballast.health.check.duration');
    expect(metric?.descriptor.unit).toBe('ms');
    const points = (metric?.dataPoints ?? []).map((p) => ({
      attributes: p.attributes,
      count: (p.value as { count: number }).count,
    }));
    expect(points).toEqual(
      expect.arrayContaining([
        { attributes: { 'health.check': 'db', 'health.status': 'pass' }, count: 2 },
        { attributes: { 'health.check': 'queue', 'health.status': 'fail' }, count: 2 },
      ]),
    );
  });
});
