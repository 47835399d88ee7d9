import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';

/**
 * The least OpenTelemetry setup under which the apps continue an incoming `traceparent`
 * and their log lines carry `trace_id`: an async-hooks context manager, the W3C trace
 * context propagator and a tracer provider. Add span processors (exporters) and a
 * `MeterProvider` for `http.server.request.duration`, or use `@opentelemetry/sdk-node`
 * instead, which registers all of these.
 */
export function installTelemetry(): void {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(new BasicTracerProvider());
}
