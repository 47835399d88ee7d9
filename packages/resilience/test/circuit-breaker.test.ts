import { ManualClock } from '@ballast/core/testing';
import { NotFoundError, UnavailableError, ValidationError } from '@ballast/errors';
import { describe, expect, it } from 'vitest';
import {
  type BrokenCircuitError,
  type CircuitBreakerEvents,
  circuitBreaker,
  consecutiveFailures,
  exponentialBackoff,
  failureRate,
  isBrokenCircuitError,
  slowCall,
} from '../src/index.js';

const fail = (): Promise<never> => Promise.reject(new UnavailableError('down'));
const ok = (): Promise<string> => Promise.resolve('ok');

async function failTimes(breaker: { execute: (fn: () => Promise<unknown>) => Promise<unknown> }, n: number) {
  for (let i = 0; i < n; i++) await breaker.execute(fail).catch(() => {});
}

describe('circuitBreaker', () => {
  it('opens after n consecutive failures and rejects without calling the work', async () => {
    const clock = new ManualClock();
    const breaker = circuitBreaker({ strategy: consecutiveFailures(3), halfOpenAfter: '10s', clock });
    await failTimes(breaker, 2);
    await breaker.execute(ok);
    await failTimes(breaker, 2);
    expect(breaker.state).toBe('closed');
    await failTimes(breaker, 1);
    expect(breaker.state).toBe('open');
    let calls = 0;
    const error = await breaker.execute(async () => calls++).catch((e: unknown) => e);
    expect(calls).toBe(0);
    expect(isBrokenCircuitError(error)).toBe(true);
    expect((error as InstanceType<typeof BrokenCircuitError>).retryAfterMs).toBe(10_000);
    await clock.advance(4_000);
    const later = await breaker.execute(ok).catch((e: unknown) => e);
    expect((later as InstanceType<typeof BrokenCircuitError>).retryAfterMs).toBe(6_000);
  });

  it('half-opens after halfOpenAfter and closes with fresh statistics when the probe succeeds', async () => {
    const clock = new ManualClock();
    const breaker = circuitBreaker({ strategy: consecutiveFailures(2), halfOpenAfter: 1_000, clock });
    await failTimes(breaker, 2);
    await clock.advance(1_000);
    expect(breaker.state).toBe('half-open');
    await expect(breaker.execute(ok)).resolves.toBe('ok');
    expect(breaker.state).toBe('closed');
    await failTimes(breaker, 1);
    expect(breaker.state).toBe('closed');
  });

  it('stays half-open when a probe is cancelled by its caller, and gives the slot to the next call', async () => {
    const clock = new ManualClock();
    const breaker = circuitBreaker({ strategy: consecutiveFailures(1), halfOpenAfter: 100, clock });
    await failTimes(breaker, 1);
    await clock.advance(100);
    const controller = new AbortController();
    const probe = breaker.execute(({ signal }) => clock.sleep(1_000, signal), controller.signal);
    controller.abort();
    await expect(probe).rejects.toThrow();
    expect(breaker.state).toBe('half-open');
    await expect(breaker.execute(ok)).resolves.toBe('ok');
    expect(breaker.state).toBe('closed');
  });

  it('lets only halfOpenProbes trial calls through at once and needs all of them to succeed', async () => {
    const clock = new ManualClock();
    const breaker = circuitBreaker({
      strategy: consecutiveFailures(1),
      halfOpenAfter: 100,
      halfOpenProbes: 2,
      clock,
    });
    await failTimes(breaker, 1);
    await clock.advance(100);
    const probe1 = breaker.execute(() => clock.sleep(10).then(() => 1));
    const probe2 = breaker.execute(() => clock.sleep(20).then(() => 2));
    const rejected = await breaker.execute(ok).catch((e: unknown) => e);
    expect(isBrokenCircuitError(rejected)).toBe(true);
    expect((rejected as InstanceType<typeof BrokenCircuitError>).retryAfterMs).toBe(0);
    await clock.advance(10);
    await probe1;
    expect(breaker.state).toBe('half-open');
    await clock.advance(10);
    await probe2;
    expect(breaker.state).toBe('closed');
  });

  it('reopens when a probe fails, waiting longer each time with a backoff', async () => {
    const clock = new ManualClock();
    const breaker = circuitBreaker({
      strategy: consecutiveFailures(1),
      halfOpenAfter: exponentialBackoff({ initial: 100, max: 1_000, jitter: 'none' }),
      clock,
    });
    await failTimes(breaker, 1);
    await clock.advance(100);
    await failTimes(breaker, 1);
    expect(breaker.state).toBe('open');
    await clock.advance(100);
    expect(breaker.state).toBe('open');
    await clock.advance(100);
    expect(breaker.state).toBe('half-open');
    await breaker.execute(ok);
    await failTimes(breaker, 1);
    await clock.advance(100);
    expect(breaker.state).toBe('half-open');
  });

  it('never trips on client-side errors by default', async () => {
    const breaker = circuitBreaker({ strategy: consecutiveFailures(1), clock: new ManualClock() });
    const http404 = Object.assign(new Error('Not Found'), { status: 404 });
    const aborted = new DOMException('gone', 'AbortError');
    for (const error of [new ValidationError(), new NotFoundError(), http404, aborted]) {
      await expect(breaker.execute(() => Promise.reject(error))).rejects.toBe(error);
    }
    expect(breaker.state).toBe('closed');
    await breaker.execute(() => Promise.reject(new Error('plain'))).catch(() => {});
    expect(breaker.state).toBe('open');
  });

  it('uses a custom isFailure', async () => {
    const breaker = circuitBreaker({
      strategy: consecutiveFailures(1),
      isFailure: (e) => (e as Error).message === 'counts',
      clock: new ManualClock(),
    });
    await breaker.execute(() => Promise.reject(new Error('ignored'))).catch(() => {});
    expect(breaker.state).toBe('closed');
    await breaker.execute(() => Promise.reject(new Error('counts'))).catch(() => {});
    expect(breaker.state).toBe('open');
  });

  it('opens on a failure rate over a count window once minThroughput is reached', async () => {
    const clock = new ManualClock();
    const breaker = circuitBreaker({
      strategy: failureRate({ threshold: 0.5, window: { calls: 4 }, minThroughput: 4 }),
      clock,
    });
    await breaker.execute(ok);
    await failTimes(breaker, 1);
    await breaker.execute(ok);
    expect(breaker.state).toBe('closed');
    await breaker.execute(ok);
    await breaker.execute(ok);
    await failTimes(breaker, 1);
    expect(breaker.state).toBe('closed');
    await failTimes(breaker, 1);
    expect(breaker.state).toBe('open');
  });

  it('forgets failures that slide out of a time window', async () => {
    const clock = new ManualClock();
    const breaker = circuitBreaker({
      strategy: failureRate({ threshold: 0.5, window: '10s', buckets: 10, minThroughput: 2 }),
      clock,
    });
    await failTimes(breaker, 1);
    await clock.advance(10_000);
    await breaker.execute(ok);
    await breaker.execute(ok);
    await failTimes(breaker, 1);
    expect(breaker.state).toBe('closed');
    await clock.advance(25_000);
    await failTimes(breaker, 2);
    expect(breaker.state).toBe('open');
  });

  it('counts slow calls against a failure-rate breaker', async () => {
    const clock = new ManualClock();
    const breaker = circuitBreaker({
      strategy: failureRate({ threshold: 1, window: { calls: 2 }, minThroughput: 2 }),
      slowCall: slowCall({ duration: 100, rateThreshold: 0.5 }),
      clock,
    });
    await breaker.execute(ok);
    expect(breaker.state).toBe('closed');
    const slow = breaker.execute(() => clock.sleep(150));
    await clock.advance(150);
    await slow;
    expect(breaker.state).toBe('open');
  });

  it('counts a slow call as a failure of a consecutive breaker and of a probe', async () => {
    const clock = new ManualClock();
    const breaker = circuitBreaker({
      strategy: consecutiveFailures(1),
      slowCall: slowCall({ duration: '50ms' }),
      halfOpenAfter: 10,
      clock,
    });
    const slow = breaker.execute(() => clock.sleep(60));
    await clock.advance(60);
    await slow;
    expect(breaker.state).toBe('open');
    await clock.advance(10);
    const probe = breaker.execute(() => clock.sleep(60));
    await clock.advance(60);
    await probe;
    expect(breaker.state).toBe('open');
  });

  it('ignores results of calls admitted before the last transition', async () => {
    const clock = new ManualClock();
    const breaker = circuitBreaker({ strategy: consecutiveFailures(1), halfOpenAfter: 10, clock });
    const straggler = breaker.execute(() => clock.sleep(5).then(fail)).catch(() => 'failed');
    await failTimes(breaker, 1);
    expect(breaker.state).toBe('open');
    await clock.advance(5);
    expect(await straggler).toBe('failed');
    await clock.advance(5);
    expect(breaker.state).toBe('half-open');
  });

  it('isolates until every isolation is released, then closes', async () => {
    const clock = new ManualClock();
    const breaker = circuitBreaker({ clock });
    const release1 = breaker.isolate();
    const release2 = breaker.isolate();
    expect(breaker.state).toBe('isolated');
    const error = await breaker.execute(ok).catch((e: unknown) => e);
    expect(isBrokenCircuitError(error)).toBe(true);
    expect((error as InstanceType<typeof BrokenCircuitError>).retryAfterMs).toBeUndefined();
    expect((error as Error).message).toMatch(/isolated/);
    release1();
    release1();
    breaker.reset();
    expect(breaker.state).toBe('isolated');
    release2();
    expect(breaker.state).toBe('closed');
  });

  it('resets to closed with fresh statistics', async () => {
    const breaker = circuitBreaker({ strategy: consecutiveFailures(2), clock: new ManualClock() });
    await failTimes(breaker, 2);
    expect(breaker.state).toBe('open');
    breaker.reset();
    expect(breaker.state).toBe('closed');
    await failTimes(breaker, 1);
    expect(breaker.state).toBe('closed');
  });

  it('emits state changes, rejections, successes and failures', async () => {
    const clock = new ManualClock();
    const breaker = circuitBreaker({ strategy: consecutiveFailures(1), halfOpenAfter: 10, clock });
    const seen: string[] = [];
    const on = <K extends keyof CircuitBreakerEvents>(event: K, f: (p: CircuitBreakerEvents[K]) => string) =>
      breaker.on(event, (payload) => seen.push(f(payload)));
    on('stateChange', (p) => `${p.from}->${p.to}${p.error ? ' (error)' : ''}`);
    on('rejected', (p) => `rejected ${p.state} ${p.retryAfterMs}`);
    on('success', (p) => `success ${p.durationMs}`);
    const off = on('failure', (p) => `failure ${p.durationMs} ${p.counted}`);
    const first = breaker.execute(() => clock.sleep(3).then(ok));
    await clock.advance(3);
    await first;
    await breaker.execute(fail).catch(() => {});
    await breaker.execute(ok).catch(() => {});
    off();
    await clock.advance(10);
    await breaker.execute(fail).catch(() => {});
    expect(seen).toEqual([
      'success 3',
      'failure 0 true',
      'closed->open (error)',
      'rejected open 10',
      'open->half-open',
      'half-open->open (error)',
    ]);
  });

  it('reports health: pass closed, warn half-open, warn or fail open', async () => {
    const clock = new ManualClock();
    const breaker = circuitBreaker({
      name: 'payments',
      strategy: consecutiveFailures(1),
      halfOpenAfter: '5s',
      clock,
    });
    const critical = circuitBreaker({ strategy: consecutiveFailures(1), critical: true, clock });
    expect(breaker.name).toBe('circuit:payments');
    expect((await breaker.check()).status).toBe('pass');
    await failTimes(breaker, 1);
    await failTimes(critical, 1);
    const open = await breaker.check();
    expect(open).toMatchObject({ status: 'warn', output: 'circuit open; next probe in 5 s' });
    expect(open.details).toEqual({ state: 'open', retryAfterMs: 5_000 });
    expect((await critical.check()).status).toBe('fail');
    await clock.advance(5_000);
    expect((await breaker.check()).status).toBe('warn');
    expect((await breaker.check()).output).toMatch(/half-open/);
    breaker.isolate();
    expect(await breaker.check()).toMatchObject({ status: 'warn', output: 'circuit isolated by hand' });
  });

  it('rejects bad options with ConfigurationError', () => {
    expect(() => consecutiveFailures(0)).toThrow(/consecutiveFailures.failures/);
    expect(() => failureRate({ threshold: 0 })).toThrow(/threshold/);
    expect(() => failureRate({ threshold: 1.5 })).toThrow(/threshold/);
    expect(() => failureRate({ window: { calls: 0 } })).toThrow(/window.calls/);
    expect(() => failureRate({ window: 5, buckets: 10 })).toThrow(/failureRate.window/);
    expect(() => failureRate({ minThroughput: -1 })).toThrow(/minThroughput/);
    expect(() => slowCall({ duration: 0 })).toThrow(/slowCall.duration/);
    expect(() => slowCall({ duration: 10, rateThreshold: 2 })).toThrow(/rateThreshold/);
    expect(() => circuitBreaker({ strategy: { kind: 'magic' } as never })).toThrow(/strategy/);
    expect(() => circuitBreaker({ halfOpenProbes: 0 })).toThrow(/halfOpenProbes/);
    expect(() => circuitBreaker({ halfOpenAfter: 'later' as never })).toThrow(/halfOpenAfter/);
    expect(() => circuitBreaker({ name: '' })).toThrow(/name/);
    expect(() => circuitBreaker({ isFailure: 'yes' as never })).toThrow(/isFailure/);
  });

  it('validates hand-written strategy and slow-call objects as strictly as the factories', () => {
    const plain = (value: unknown) => value as never;
    expect(() => circuitBreaker({ strategy: plain({ kind: 'consecutive', failures: -1 }) })).toThrow(
      /consecutiveFailures.failures/,
    );
    expect(() =>
      circuitBreaker({
        strategy: plain({
          kind: 'rate',
          threshold: 2,
          minThroughput: 1,
          window: { kind: 'count', calls: 5 },
        }),
      }),
    ).toThrow(/threshold/);
    expect(() =>
      circuitBreaker({
        strategy: plain({
          kind: 'rate',
          threshold: 0.5,
          minThroughput: 1,
          window: { kind: 'time', ms: 5, buckets: 10 },
        }),
      }),
    ).toThrow(/failureRate.window/);
    expect(() =>
      circuitBreaker({ strategy: plain({ kind: 'rate', threshold: 0.5, minThroughput: 1 }) }),
    ).toThrow(/strategy.window/);
    expect(() => circuitBreaker({ slowCall: plain({ duration: 10, rateThreshold: 5 }) })).toThrow(
      /rateThreshold/,
    );
    expect(() => circuitBreaker({ slowCall: plain('2s') })).toThrow(/slowCall/);
    const rate = { kind: 'rate', threshold: 0.5, minThroughput: 2, window: { kind: 'count', calls: 4 } };
    expect(circuitBreaker({ strategy: plain(rate) }).state).toBe('closed');
  });

  it('accepts a plain slowCall object with a string duration and counts slow calls', async () => {
    const clock = new ManualClock();
    const breaker = circuitBreaker({
      strategy: consecutiveFailures(1),
      slowCall: { duration: '2s' } as never,
      clock,
    });
    const slow = breaker.execute(() => clock.sleep(2_000));
    await clock.advance(2_000);
    await slow;
    expect(breaker.state).toBe('open');
  });
});

describe('circuitBreaker with a time window', () => {
  it('starts over with an empty window after closing', async () => {
    const clock = new ManualClock();
    const breaker = circuitBreaker({
      strategy: failureRate({ threshold: 0.5, window: '1s', minThroughput: 2 }),
      halfOpenAfter: 100,
      clock,
    });
    await failTimes(breaker, 2);
    expect(breaker.state).toBe('open');
    await clock.advance(100);
    await breaker.execute(ok);
    expect(breaker.state).toBe('closed');
    await failTimes(breaker, 1);
    expect(breaker.state).toBe('closed');
  });
});
