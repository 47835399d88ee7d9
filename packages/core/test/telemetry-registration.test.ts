import { metrics, trace } from '@opentelemetry/api';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it, vi } from 'vitest';

const OTEL_API = Symbol.for('opentelemetry.js.api.1');
const registry = globalThis as Record<symbol, unknown>;

const definitions = {
  package: 'demo',
  attributes: {},
  spans: [],
  events: [],
  metrics: {
    runs: { name: 'ballast.demo.runs', kind: 'counter', unit: '{run}', description: 'Runs.', attributes: [] },
  },
} as const;

/** A fresh copy of the telemetry module in a process where nothing was ever registered. */
async function pristine() {
  trace.disable();
  metrics.disable();
  delete registry[OTEL_API];
  vi.resetModules();
  const { createTelemetry } = await import('../src/telemetry.js');
  return createTelemetry(definitions);
}

afterEach(() => {
  trace.disable();
  metrics.disable();
});

describe('telemetry before anything is registered', () => {
  it('sees a tracer provider at the first call after it is registered', async () => {
    const demo = await pristine();
    expect(demo.enabled()).toBe(false);
    expect(demo.tracer()).toBeUndefined();
    expect(demo.tracer()).toBeUndefined();
    trace.setGlobalTracerProvider(new BasicTracerProvider());
    expect(demo.enabled()).toBe(true);
    expect(demo.tracer()).toBeDefined();
    expect(demo.instruments()).toBeUndefined(); // no meter provider
  });

  it('sees a meter provider registered alone within 64 calls', async () => {
    const demo = await pristine();
    expect(demo.instruments()).toBeUndefined();
    metrics.setGlobalMeterProvider(new MeterProvider());
    let calls = 1;
    while (demo.instruments() === undefined && calls < 1_000) calls++;
    expect(calls).toBeGreaterThan(1); // not looked for on every call…
    expect(calls).toBeLessThanOrEqual(64); // …but soon
    expect(demo.tracer()).toBeUndefined(); // no tracer provider
  });
});
