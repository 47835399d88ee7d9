import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import {
  type Context,
  context,
  type Histogram,
  type MeterProvider,
  metrics,
  propagation,
  SpanKind,
  trace,
} from '@opentelemetry/api';

const tracer = trace.getTracer('frameworks-example');
let provider: MeterProvider | undefined;
let histogram: Histogram | undefined;

/**
 * The HTTP semantic conventions' server metric, in seconds with their recommended buckets.
 * Resolved per call and cached per provider: the API hands out a no-op meter until an SDK
 * registers one, and these modules load before `main` registers it.
 */
function requestDuration(): Histogram {
  const current = metrics.getMeterProvider();
  if (current !== provider || histogram === undefined) {
    provider = current;
    histogram = current.getMeter('frameworks-example').createHistogram('http.server.request.duration', {
      unit: 's',
      description: 'Duration of HTTP server requests',
      advice: {
        explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
      },
    });
  }
  return histogram;
}

/** What the framework tells {@link traceRequest} about one request. */
export interface TracedRequest {
  method: string;
  headers: IncomingHttpHeaders;
  /** The response; the span ends and the duration is recorded when it closes. */
  res: ServerResponse;
  /** The matched route template (`/courses/:id`), read when the response closes; `undefined` when none matched. */
  route: () => string | undefined;
}

/**
 * Starts the SERVER span of one request and returns the context to run the rest of the
 * request in. The caller's `traceparent` (read by the globally registered propagator,
 * e.g. `W3CTraceContextPropagator`) is the span's parent, so the request continues the
 * caller's trace, and every log line written under the returned context carries its
 * `trace_id`. When the response closes (sent or aborted) the span ends, named
 * `GET /courses/:id`, and `http.server.request.duration` gets one value in seconds. With no
 * OpenTelemetry SDK registered all of this is the API's no-ops.
 */
export function traceRequest({ method, headers, res, route }: TracedRequest): Context {
  const started = performance.now();
  const parent = propagation.extract(context.active(), headers);
  const span = tracer.startSpan(method, { kind: SpanKind.SERVER }, parent);
  res.once('close', () => {
    const template = route();
    const attributes = {
      'http.request.method': method,
      'http.response.status_code': res.statusCode,
      ...(template === undefined ? {} : { 'http.route': template }),
    };
    if (template !== undefined) span.updateName(`${method} ${template}`);
    span.setAttributes(attributes);
    span.end();
    requestDuration().record((performance.now() - started) / 1000, attributes);
  });
  return trace.setSpan(parent, span);
}
