import { errorType, type Instruments as InstrumentsOf, otelApi, recordError, withSpan } from '@ballast/core';
import type { Attributes, Span } from '@opentelemetry/api';
import { telemetry } from '../telemetry.js';

/** The instruments of `@ballast/resilience`. */
export type Instruments = InstrumentsOf<typeof telemetry.definitions.metrics>;

/**
 * The instruments when an OpenTelemetry meter provider is registered, else `undefined`,
 * so policies skip metrics entirely. Resolved on each call (cached per provider): read it
 * where a metric is recorded, never keep it, so a policy built before the SDK starts
 * records once it is registered.
 */
export function instruments(): Instruments | undefined {
  return telemetry.instruments();
}

/** Precomputed attributes for one rejection reason. */
export function rejection(policy: string, reason: string, extra: Attributes = {}): Attributes {
  return Object.freeze({
    'ballast.resilience.policy': policy,
    'ballast.resilience.reason': reason,
    ...extra,
  });
}

/**
 * Counts a refused call and adds a `resilience.rejected` event to the active span (the
 * `resilience.execute` span of the call, when tracing is on). `attributes` come from
 * {@link rejection}.
 */
export function rejected(attributes: Attributes): void {
  telemetry.instruments()?.rejections.add(1, attributes);
  if (telemetry.tracer() === undefined) return;
  otelApi().trace.getActiveSpan()?.addEvent('resilience.rejected', {
    'ballast.resilience.policy': attributes['ballast.resilience.policy'],
    'ballast.resilience.reason': attributes['ballast.resilience.reason'],
  });
}

/** Adds `name` to the active span when tracing is on (cold paths only). */
export function activeSpanEvent(name: string, attributes: Attributes): void {
  if (telemetry.tracer() === undefined) return;
  otelApi().trace.getActiveSpan()?.addEvent(name, attributes);
}

/** Adds a `resilience.retry` event: attempt `attempt` failed with `error`, next try in `delayMs`. */
export function retryEvent(span: Span, attempt: number, delayMs: number, error: unknown): void {
  span.addEvent('resilience.retry', {
    'ballast.resilience.attempt': attempt,
    'ballast.resilience.delay': delayMs / 1000,
    'error.type': errorType(error),
  });
}

const REDIS_ATTRIBUTES = Object.freeze({ 'db.system.name': 'redis', 'db.operation.name': 'EVALSHA' });

/**
 * Runs one decision of the rate limiter (its wait for Redis) inside a `resilience.redis_rate_limiter.take`
 * client span (active, so an instrumented client's own span nests under it), or plainly
 * when tracing is off. `run` may rename the operation with {@link redisOperation}.
 */
export function redisSpan<T>(run: () => Promise<T>): Promise<T> {
  const tracer = telemetry.tracer();
  if (tracer === undefined) return run();
  return withSpan(
    tracer,
    'resilience.redis_rate_limiter.take',
    REDIS_ATTRIBUTES,
    run,
    otelApi().SpanKind.CLIENT,
  );
}

/** Names the Redis command of the current rate limiter span (`EVAL` after a `NOSCRIPT`). */
export function redisOperation(name: string): void {
  if (telemetry.tracer() === undefined) return;
  otelApi().trace.getActiveSpan()?.setAttribute('db.operation.name', name);
}

/** Ends the `resilience.execute` span of a call, failed with `error` when it rejected. */
export function endSpan(span: Span, failed: boolean, error: unknown): void {
  if (failed) recordError(span, error);
  span.end();
}
