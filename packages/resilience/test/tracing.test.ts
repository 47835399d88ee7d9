import { getTracer } from '@ballast/core';
import { ManualClock } from '@ballast/core/testing';
import { UnavailableError, ValidationError } from '@ballast/errors';
import { telemetryCapture } from '@ballast/test-utils/telemetry';
import { SpanStatusCode } from '@opentelemetry/api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  bulkhead,
  circuitBreaker,
  consecutiveFailures,
  constantBackoff,
  hedge,
  pipeline,
  retry,
  timeout,
} from '../src/index.js';

const otel = telemetryCapture();
type ReadableSpan = ReturnType<typeof otel.spans.getFinishedSpans>[number];
beforeAll(otel.install);
afterAll(otel.uninstall);
beforeEach(() => otel.spans.reset());

const executeSpans = (): ReadableSpan[] =>
  otel.spans.getFinishedSpans().filter((span) => span.name === 'resilience.execute');
const eventsOf = (span: ReadableSpan | undefined): string[] =>
  (span?.events ?? []).map((event) => {
    const a = event.attributes ?? {};
    const detail =
      a['ballast.resilience.attempt'] ??
      a['ballast.resilience.reason'] ??
      a['ballast.resilience.breaker.state'] ??
      a['ballast.resilience.timeout'];
    return detail === undefined ? event.name : `${event.name}:${detail}`;
  });

describe('resilience spans', () => {
  it('records one execute span per pipeline call, with an event per attempt and retry', async () => {
    const clock = new ManualClock();
    const policy = pipeline(
      retry({ maxAttempts: 3, backoff: constantBackoff(100), clock }),
      circuitBreaker({ strategy: consecutiveFailures(5), clock }),
      timeout(1_000, { clock }),
    );
    let calls = 0;
    const result = policy.execute(async () => {
      if (++calls < 3) throw new UnavailableError('upstream down');
      return 'ok';
    });
    await clock.advance(100);
    await clock.advance(100);
    await expect(result).resolves.toBe('ok');

    const spans = executeSpans();
    expect(spans).toHaveLength(1);
    expect(eventsOf(spans[0])).toEqual([
      'resilience.attempt:1',
      'resilience.retry:1',
      'resilience.attempt:2',
      'resilience.retry:2',
      'resilience.attempt:3',
    ]);
    const retryEvent = spans[0]!.events[1]!;
    expect(retryEvent.attributes).toMatchObject({
      'ballast.resilience.delay': 0.1,
      'error.type': new UnavailableError('x').code,
    });
    expect(spans[0]!.status.code).toBe(SpanStatusCode.UNSET);
    expect(spans[0]!.attributes['ballast.resilience.pipeline']).toBe('retry > circuit_breaker > timeout');
  });

  it('names the policies of a chain on its span, a policy of your own as custom', async () => {
    const own = { execute: <T>(work: () => Promise<T>) => work() };
    await pipeline(own, bulkhead({ limit: 1 })).execute(async () => 'ok');
    await hedge({ delay: '1s' }).execute(async () => 'ok');
    expect(executeSpans().map((span) => span.attributes['ballast.resilience.pipeline'])).toEqual([
      'custom > bulkhead',
      'hedge',
    ]);
  });

  it('makes the execute span active, so spans of the work are its children', async () => {
    const policy = retry({ maxAttempts: 1 });
    await policy.execute(async () => {
      getTracer('cache').startSpan('inner').end();
    });
    const inner = otel.spans.getFinishedSpans().find((span) => span.name === 'inner');
    const [outer] = executeSpans();
    expect(inner?.parentSpanContext?.spanId).toBe(outer?.spanContext().spanId);
    expect(inner?.spanContext().traceId).toBe(outer?.spanContext().traceId);
  });

  it('marks a failed execute with the exception and error.type', async () => {
    const policy = retry({ maxAttempts: 2 });
    await expect(policy.execute(() => Promise.reject(new ValidationError('bad input')))).rejects.toThrow(
      'bad input',
    );
    const [span] = executeSpans();
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'bad input' });
    expect(span?.attributes['error.type']).toBe(new ValidationError('x').code);
    expect(eventsOf(span)).toEqual(['resilience.attempt:1', 'exception']);
  });

  it('adds breaker state changes and rejections to the call they happen in', async () => {
    const clock = new ManualClock();
    const breaker = circuitBreaker({
      name: 'payments',
      strategy: consecutiveFailures(1),
      halfOpenAfter: 1_000,
      clock,
    });
    await breaker.execute(() => Promise.reject(new UnavailableError('down'))).catch(() => {});
    await breaker.execute(() => 'refused').catch(() => {});
    const [opened, refused] = executeSpans();
    expect(eventsOf(opened)).toEqual([
      'resilience.attempt:1',
      'resilience.breaker.state_change:open',
      'exception',
    ]);
    expect(opened?.events[1]?.attributes).toMatchObject({
      'ballast.resilience.breaker': 'payments',
      'ballast.resilience.previous_state': 'closed',
    });
    expect(eventsOf(refused)).toEqual(['resilience.rejected:open', 'exception']);
    expect(refused?.attributes['error.type']).toBe('CIRCUIT_OPEN');
  });

  it('adds bulkhead rejections and timeouts as events', async () => {
    const clock = new ManualClock();
    const pool = bulkhead({ limit: 1, clock });
    const running = pool.execute(() => clock.sleep(10));
    await pool.execute(() => 'refused').catch(() => {});
    await clock.advance(10);
    await running;
    const slow = timeout(250, { clock }).execute(() => new Promise(() => {}));
    const settled = expect(slow).rejects.toThrow();
    await clock.advance(250);
    await settled;

    const spans = executeSpans();
    const events = spans.map(eventsOf);
    expect(events).toContainEqual(['resilience.rejected:full', 'exception']);
    expect(events).toContainEqual(['resilience.attempt:1', 'resilience.timeout:0.25', 'exception']);
  });
});

describe('instruments resolved late', () => {
  it('records from a policy built before the SDK registered', async () => {
    otel.uninstall();
    const clock = new ManualClock();
    const early = retry({ maxAttempts: 2, backoff: constantBackoff(0), clock });
    const breaker = circuitBreaker({ name: 'early', strategy: consecutiveFailures(1), clock });
    await early.execute(() => 'before'); // nothing registered: nothing recorded, nothing thrown
    otel.install();
    await early.execute(() => Promise.reject(new UnavailableError('x'))).catch(() => {});
    await breaker.execute(() => Promise.reject(new UnavailableError('x'))).catch(() => {});

    const seen = await otel.metrics('@ballast/resilience');
    expect(seen.get('ballast.resilience.attempts')?.points[0]?.value).toBe(2);
    const duration = seen.get('ballast.resilience.execute.duration');
    expect(duration?.unit).toBe('s');
    expect(duration?.points[0]?.attributes['error.type']).toBe(new UnavailableError('x').code);
    const open = seen
      .get('ballast.resilience.breaker.state')
      ?.points.find(
        (p) =>
          p.attributes['ballast.resilience.breaker'] === 'early' &&
          p.attributes['ballast.resilience.breaker.state'] === 'open',
      );
    expect(open?.value).toBe(1);
  });
});
