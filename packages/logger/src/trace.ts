import { otelApi } from '@ballast/core';

const OTEL_API = Symbol.for('opentelemetry.js.api.1');

/**
 * The active OpenTelemetry span as `,"trace_id":…,"span_id":…,"trace_flags":"01"`,
 * or an empty string without a valid active span (always, when no SDK is registered).
 */
export function traceJson(): string {
  // Nothing registered with the OpenTelemetry API (no SDK, no context manager):
  // no span can be active, and one property read is all this costs.
  if ((globalThis as Record<symbol, unknown>)[OTEL_API] === undefined) return '';
  const { isSpanContextValid, trace } = otelApi();
  const span = trace.getActiveSpan();
  if (span === undefined) return '';
  const sc = span.spanContext();
  if (!isSpanContextValid(sc)) return '';
  const flags = sc.traceFlags.toString(16).padStart(2, '0');
  return `,"trace_id":"${sc.traceId}","span_id":"${sc.spanId}","trace_flags":"${flags}"`;
}
