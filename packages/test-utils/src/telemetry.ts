import { context, metrics, trace } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
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

/** One data point of a metric: its value (a number, or a histogram) and its attributes. */
export interface MetricPoint {
  readonly value: unknown;
  readonly attributes: Record<string, unknown>;
}

/** What one metric recorded: its unit and its data points. */
export interface CapturedMetric {
  readonly unit: string;
  readonly points: MetricPoint[];
}

/** In-memory OpenTelemetry SDK providers for tests, installed as the global ones. */
export interface TelemetryCapture {
  /** Every span finished since install (or the last `spans.reset()`). */
  readonly spans: InMemorySpanExporter;
  /** Every log record emitted since install (or the last `logs.reset()`). */
  readonly logs: InMemoryLogRecordExporter;
  /**
   * Registers the in-memory tracer, meter and logger providers and an AsyncLocalStorage
   * context manager globally (as `sdk.start()` does); call in `beforeAll`.
   */
  install(): void;
  /** Removes the global providers again; call in `afterAll`. */
  uninstall(): void;
  /** The cumulative data points of every metric the instrumentation `scope` (e.g. `@ballast/cache`) recorded, by metric name. */
  metrics(scope: string): Promise<Map<string, CapturedMetric>>;
  /** The cumulative data points of one metric of `scope`; empty when it recorded none. */
  points(scope: string, name: string): Promise<MetricPoint[]>;
}

/**
 * In-memory span and metric capture over the real OpenTelemetry SDK, so telemetry tests
 * read what an exporter would receive.
 *
 * @example
 * const otel = telemetryCapture();
 * beforeAll(otel.install);
 * afterAll(otel.uninstall);
 * expect(await otel.points('@ballast/cache', 'ballast.cache.requests')).not.toHaveLength(0);
 */
export function telemetryCapture(): TelemetryCapture {
  const spans = new InMemorySpanExporter();
  const logRecords = new InMemoryLogRecordExporter();
  let contextManager: AsyncLocalStorageContextManager | undefined;
  // A reader (and its exporter) belongs to one provider: each install makes fresh ones,
  // each uninstall shuts them down.
  let exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  let reader: PeriodicExportingMetricReader | undefined;
  let provider: MeterProvider | undefined;
  const collect = async (scope: string): Promise<Map<string, CapturedMetric>> => {
    await reader?.forceFlush();
    const out = new Map<string, CapturedMetric>();
    // Cumulative temporality: the newest export holds everything recorded so far.
    for (const found of exporter.getMetrics().at(-1)?.scopeMetrics ?? []) {
      if (found.scope.name !== scope) continue;
      for (const metric of found.metrics) {
        out.set(metric.descriptor.name, {
          unit: metric.descriptor.unit,
          points: metric.dataPoints.map((p) => ({ value: p.value, attributes: { ...p.attributes } })),
        });
      }
    }
    exporter.reset();
    return out;
  };
  return {
    spans,
    logs: logRecords,
    install() {
      contextManager = new AsyncLocalStorageContextManager().enable();
      context.setGlobalContextManager(contextManager);
      logs.setGlobalLoggerProvider(
        new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter: logRecords })] }),
      );
      trace.setGlobalTracerProvider(
        new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }),
      );
      exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
      reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
      provider = new MeterProvider({ readers: [reader] });
      metrics.setGlobalMeterProvider(provider);
    },
    uninstall() {
      trace.disable();
      metrics.disable();
      logs.disable();
      context.disable();
      contextManager?.disable();
      // The logger provider is not shut down: that would stop the shared log exporter too.
      void provider?.shutdown();
      provider = undefined;
      reader = undefined;
    },
    metrics: collect,
    async points(scope, name) {
      return (await collect(scope)).get(name)?.points ?? [];
    },
  };
}
