import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';

/** The OpenTelemetry SDK as this service uses it: Prometheus metrics, traces to the console or OTLP. */
export interface Telemetry {
  /** Serves the Prometheus text format (mount it on `/metrics`). */
  metricsHandler(req: IncomingMessage, res: ServerResponse): void;
  /** Exports the spans still buffered (call it on shutdown). */
  flush(): Promise<void>;
}

/** Where spans go. */
export interface TelemetryOptions {
  /** Print spans to stdout. @defaultValue `false` */
  consoleTraces?: boolean;
  /** Send spans as OTLP/HTTP (JSON) to this URL, e.g. `http://collector:4318/v1/traces`. */
  otlpTracesUrl?: string;
}

let installed: Promise<Telemetry> | undefined;

/**
 * Registers the OpenTelemetry SDK globally, once per process (the OTel globals can be
 * set only once): a `MeterProvider` read by the Prometheus exporter, whose request
 * handler we mount on our own server (no second port), and a tracer provider with an
 * async-hooks context manager so log lines carry `trace_id`. Spans go to stdout with
 * `consoleTraces` (`OTEL_TRACES_CONSOLE=1`) and, batched, to an OTLP collector with
 * `otlpTracesUrl` (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, or `OTEL_EXPORTER_OTLP_ENDPOINT`
 * + `/v1/traces`); the OTLP exporter is loaded only then. Every Ballast package finds the
 * SDK through `@opentelemetry/api`: nothing else to wire.
 */
export function installTelemetry(options: TelemetryOptions = {}): Promise<Telemetry> {
  installed ??= install(options).catch((error: unknown) => {
    installed = undefined; // a later call may try again
    throw error;
  });
  return installed;
}

async function install(options: TelemetryOptions): Promise<Telemetry> {
  const resource = defaultResource().merge(resourceFromAttributes({ 'service.name': 'http-service' }));
  const exporter = new PrometheusExporter({ preventServerStart: true });
  metrics.setGlobalMeterProvider(new MeterProvider({ resource, readers: [exporter] }));
  const spanProcessors: SpanProcessor[] = [];
  if (options.consoleTraces) spanProcessors.push(new SimpleSpanProcessor(new ConsoleSpanExporter()));
  if (options.otlpTracesUrl !== undefined) {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
    const otlp = new OTLPTraceExporter({ url: options.otlpTracesUrl }) as unknown as SpanExporter;
    spanProcessors.push(new BatchSpanProcessor(otlp));
  }
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  // An incoming `traceparent` continues the caller's trace (read in service.ts).
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const provider = new BasicTracerProvider({ resource, spanProcessors });
  trace.setGlobalTracerProvider(provider);
  return {
    metricsHandler: (req, res) => exporter.getMetricsRequestHandler(req, res),
    flush: () => provider.forceFlush(),
  };
}
