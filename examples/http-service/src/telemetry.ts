import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, metrics, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  ConsoleSpanExporter,
  SimpleSpanProcessor,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';

/** The OpenTelemetry SDK as this service uses it: Prometheus metrics and optional console traces. */
export interface Telemetry {
  /** Serves the Prometheus text format (mount it on `/metrics`). */
  metricsHandler(req: IncomingMessage, res: ServerResponse): void;
}

let installed: Telemetry | undefined;

/**
 * Registers the OpenTelemetry SDK globally, once per process (the OTel globals can be
 * set only once): a `MeterProvider` read by the Prometheus exporter, whose request
 * handler we mount on our own server (no second port), and a tracer provider with an
 * async-hooks context manager so log lines carry `trace_id`. Spans are printed only
 * with `consoleTraces` (`OTEL_TRACES_CONSOLE=1`); for OTLP, add a `BatchSpanProcessor`
 * around `OTLPTraceExporter` from `@opentelemetry/exporter-trace-otlp-http` here.
 * Every Ballast package finds the SDK through `@opentelemetry/api`: nothing else to wire.
 */
export function installTelemetry(options: { consoleTraces?: boolean } = {}): Telemetry {
  if (installed !== undefined) return installed;
  const resource = defaultResource().merge(resourceFromAttributes({ 'service.name': 'http-service' }));
  const exporter = new PrometheusExporter({ preventServerStart: true });
  metrics.setGlobalMeterProvider(new MeterProvider({ resource, readers: [exporter] }));
  const spanProcessors: SpanProcessor[] = options.consoleTraces
    ? [new SimpleSpanProcessor(new ConsoleSpanExporter())]
    : [];
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(new BasicTracerProvider({ resource, spanProcessors }));
  installed = { metricsHandler: (req, res) => exporter.getMetricsRequestHandler(req, res) };
  return installed;
}
