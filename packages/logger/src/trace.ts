import { isSpanContextValid, trace } from '@opentelemetry/api';

/**
 * The active OpenTelemetry span as `,"trace_id":…,"span_id":…,"trace_flags":"01"`,
 * or an empty string without a valid active span (always, when no SDK is registered).
 */
export function traceJson(): string {
  const span = trace.getActiveSpan();
  if (span === undefined) return '';
  const sc = span.spanContext();
  if (!isSpanContextValid(sc)) return '';
  const flags = sc.traceFlags.toString(16).padStart(2, '0');
  return `,"trace_id":"${sc.traceId}","span_id":"${sc.spanId}","trace_flags":"${flags}"`;
}
