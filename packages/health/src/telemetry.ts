import { createTelemetry, otelApi, withSpan } from '@ballast/core';
import type { Attributes, Span } from '@opentelemetry/api';

/**
 * Every span and metric of `@ballast/health`: the instruments are created from these
 * definitions and `docs/telemetry.md` is generated from them.
 */
export const telemetry = createTelemetry({
  package: 'health',
  attributes: {
    'ballast.health.check': 'The check name.',
    'ballast.health.status': 'The outcome of a run: pass, warn or fail.',
    'ballast.health.shutdown.phase': 'The shutdown phase: pre_stop, drain or hook.',
    'ballast.health.shutdown.hook': 'The name of the shutdown hook (hook phase only).',
    'error.type': 'The error code or class name of a failure.',
  },
  spans: [
    {
      name: 'health.check',
      kind: 'internal',
      description:
        'One run of one check (cached and polled results reuse the last run). Active: a client span of the check nests under it. A fail is an ERROR status with the output as message.',
      attributes: ['ballast.health.check', 'ballast.health.status'],
    },
    {
      name: 'health.shutdown.phase',
      kind: 'internal',
      description:
        'One phase of a graceful shutdown: the pre-stop delay, the drain of in-flight requests, each hook.',
      attributes: ['ballast.health.shutdown.phase', 'ballast.health.shutdown.hook', 'error.type'],
    },
  ],
  events: [],
  metrics: {
    checkDuration: {
      name: 'ballast.health.check.duration',
      kind: 'histogram',
      unit: 's',
      description: 'How long each health check run took, by check and status.',
      attributes: ['ballast.health.check', 'ballast.health.status'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    },
  },
});

/** Starts the `health.check` span of one run, or nothing when tracing is off. */
export function startCheckSpan(name: string): Span | undefined {
  return telemetry.tracer()?.startSpan('health.check', { attributes: { 'ballast.health.check': name } });
}

/** Runs the check with its span active, so a client span of the check nests under it. */
export function runInSpan<T>(span: Span | undefined, run: () => T): T {
  if (span === undefined) return run();
  const { context, trace } = otelApi();
  return context.with(trace.setSpan(context.active(), span), run);
}

/** Ends a check span with the run's status; a fail is an ERROR with the output as message. */
export function endCheckSpan(span: Span, record: { status: string; output?: string | undefined }): void {
  span.setAttribute('ballast.health.status', record.status);
  if (record.status === 'fail')
    span.setStatus({ code: otelApi().SpanStatusCode.ERROR, message: record.output ?? 'fail' });
  span.end();
}

/**
 * Runs one shutdown phase inside a `health.shutdown.phase` span when tracing is on (a
 * thrown error marks it failed), or plainly when it is off.
 */
export function shutdownPhase<T>(
  phase: 'pre_stop' | 'drain' | 'hook',
  attributes: Attributes,
  fn: (span: Span | undefined) => Promise<T>,
): Promise<T> {
  const tracer = telemetry.tracer();
  if (tracer === undefined) return fn(undefined);
  return withSpan(
    tracer,
    'health.shutdown.phase',
    { 'ballast.health.shutdown.phase': phase, ...attributes },
    fn,
  );
}
