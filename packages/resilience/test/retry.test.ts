import { ManualClock } from '@ballast/core/testing';
import { RateLimitedError, UnavailableError, ValidationError } from '@ballast/errors';
import { describe, expect, it } from 'vitest';
import {
  circuitBreaker,
  consecutiveFailures,
  constantBackoff,
  isBrokenCircuitError,
  isRetryable,
  pipeline,
  type RetryEvents,
  retry,
  retryBudget,
  timeout,
} from '../src/index.js';

function flaky(failures: number, error: () => unknown = () => new UnavailableError('flaky')) {
  let calls = 0;
  const fn = async ({ attempt }: { attempt: number }) => {
    calls++;
    if (calls <= failures) throw error();
    return `ok after ${attempt}`;
  };
  return { fn, calls: () => calls };
}

describe('retry', () => {
  it('retries retryable failures with the backoff and returns the first success', async () => {
    const clock = new ManualClock();
    const policy = retry({ maxAttempts: 3, backoff: constantBackoff(100), clock });
    const work = flaky(2);
    const result = policy.execute(work.fn);
    await clock.advance(100);
    expect(work.calls()).toBe(2);
    await clock.advance(100);
    await expect(result).resolves.toBe('ok after 3');
    expect(policy.maxAttempts).toBe(3);
  });

  it('gives up after maxAttempts with the last error annotated with attempts', async () => {
    const clock = new ManualClock();
    const policy = retry({ maxAttempts: 2, backoff: constantBackoff(0), clock });
    const work = flaky(5);
    const error = await policy.execute(work.fn).catch((e: unknown) => e);
    expect(UnavailableError.is(error)).toBe(true);
    expect((error as { attempts: number }).attempts).toBe(2);
    expect(work.calls()).toBe(2);
  });

  it('never retries non-retryable errors or aborts by default', async () => {
    const policy = retry({ backoff: constantBackoff(0) });
    const invalid = flaky(1, () => new ValidationError('bad'));
    await expect(policy.execute(invalid.fn)).rejects.toThrow('bad');
    expect(invalid.calls()).toBe(1);
    expect(isRetryable(new DOMException('x', 'AbortError'))).toBe(false);
    expect(isRetryable(new Error('plain'))).toBe(false);
    expect(isRetryable(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isRetryable(new RateLimitedError())).toBe(true);
  });

  it('uses a custom shouldRetry with the attempt number', async () => {
    const seen: number[] = [];
    const policy = retry({
      maxAttempts: 5,
      backoff: constantBackoff(0),
      shouldRetry: (_e, attempt) => {
        seen.push(attempt);
        return attempt < 2;
      },
    });
    await expect(policy.execute(flaky(9).fn)).rejects.toThrow('flaky');
    expect(seen).toEqual([1, 2]);
  });

  it('waits at least retryAfterMs when the hint is within max', async () => {
    const clock = new ManualClock();
    const policy = retry({ backoff: constantBackoff(10), respectRetryAfter: { max: '5s' }, clock });
    const work = flaky(2, () => new RateLimitedError('slow down', { retryAfterMs: 5_000 }));
    const delays: number[] = [];
    policy.on('retry', (e) => delays.push(e.delayMs));
    const result = policy.execute(work.fn);
    await clock.advance(4_999);
    expect(work.calls()).toBe(1);
    await clock.advance(5_001);
    await expect(result).resolves.toBe('ok after 3');
    expect(delays).toEqual([5_000, 5_000]);
  });

  it('gives up at once, scheduling no wait, when the hint exceeds max', async () => {
    const clock = new ManualClock();
    const policy = retry({ backoff: constantBackoff(10), clock });
    const gaveUp: string[] = [];
    policy.on('giveUp', (e) => gaveUp.push(`${e.attempts} ${e.reason}`));
    const work = flaky(1, () => new RateLimitedError('come back in an hour', { retryAfterMs: 3_600_000 }));
    const error = await policy.execute(work.fn).catch((e: unknown) => e);
    expect(RateLimitedError.is(error)).toBe(true);
    expect((error as { attempts: number }).attempts).toBe(1);
    expect(work.calls()).toBe(1);
    expect(gaveUp).toEqual(['1 retry_after']);
    expect(clock.pendingTimers).toBe(0);
  });

  it('gives up on a hint beyond a custom max and waits for one just within it', async () => {
    const clock = new ManualClock();
    const policy = retry({ backoff: constantBackoff(0), respectRetryAfter: { max: '1s' }, clock });
    const beyond = flaky(1, () => new RateLimitedError('x', { retryAfterMs: 1_001 }));
    await expect(policy.execute(beyond.fn)).rejects.toThrow('x');
    const within = flaky(1, () => new RateLimitedError('x', { retryAfterMs: 1_000 }));
    const result = policy.execute(within.fn);
    await clock.advance(1_000);
    await expect(result).resolves.toBe('ok after 2');
  });

  it('ignores retryAfterMs when respectRetryAfter is false', async () => {
    const clock = new ManualClock();
    const policy = retry({ backoff: constantBackoff(10), respectRetryAfter: false, clock });
    const delays: number[] = [];
    policy.on('retry', (e) => delays.push(e.delayMs));
    const result = policy.execute(flaky(1, () => new RateLimitedError('x', { retryAfterMs: 5_000 })).fn);
    await clock.advance(10);
    await expect(result).resolves.toBe('ok after 2');
    expect(delays).toEqual([10]);
  });

  it('stops waiting at once when the caller aborts', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const policy = retry({ backoff: constantBackoff(10_000), clock });
    const gaveUp: Array<{ attempts: number; reason: string; error: unknown }> = [];
    policy.on('giveUp', (e) => gaveUp.push(e));
    const result = policy.execute(flaky(5).fn, controller.signal);
    await clock.advance(0);
    controller.abort(new Error('caller left'));
    await expect(result).rejects.toThrow('caller left');
    expect(gaveUp).toHaveLength(1);
    expect(gaveUp[0]).toMatchObject({ attempts: 1, reason: 'aborted' });
    expect((gaveUp[0]?.error as { attempts?: number } | undefined)?.attempts).toBe(1);
    expect(clock.pendingTimers).toBe(0);
  });

  it('does not retry once the caller signal has aborted', async () => {
    const controller = new AbortController();
    const reasons: string[] = [];
    const policy = retry({ backoff: constantBackoff(0) });
    policy.on('giveUp', (e) => reasons.push(e.reason));
    const result = policy.execute(async () => {
      controller.abort();
      throw new UnavailableError('x');
    }, controller.signal);
    await expect(result).rejects.toThrow('x');
    expect(reasons).toEqual(['aborted']);
  });

  it('emits retry and giveUp events', async () => {
    const events: string[] = [];
    const policy = retry({ maxAttempts: 2, backoff: constantBackoff(0) });
    const on = <K extends keyof RetryEvents>(k: K, f: (p: RetryEvents[K]) => string) =>
      policy.on(k, (p) => events.push(f(p)));
    on('retry', (p) => `retry ${p.attempt}`);
    on('giveUp', (p) => `giveUp ${p.attempts} ${p.reason}`);
    await policy.execute(flaky(5).fn).catch(() => {});
    await policy.execute(flaky(1, () => new ValidationError()).fn).catch(() => {});
    expect(events).toEqual(['retry 1', 'giveUp 2 max_attempts', 'giveUp 1 not_retryable']);
  });

  it('gives up when the shared budget is spent', async () => {
    const clock = new ManualClock();
    const budget = retryBudget({ ratio: 0, minPerSecond: 0.1, window: '10s', clock });
    expect(budget.available).toBe(1);
    const reasons: string[] = [];
    const policy = retry({ maxAttempts: 5, backoff: constantBackoff(0), budget, clock });
    policy.on('giveUp', (e) => reasons.push(`${e.attempts} ${e.reason}`));
    await expect(policy.execute(flaky(9).fn)).rejects.toThrow('flaky');
    expect(reasons).toEqual(['2 budget']);
    expect(budget.available).toBe(0);
    await clock.advance(10_000);
    expect(budget.available).toBe(1);
  });

  it('fails fast through pipeline(retry, breaker, timeout) while the breaker is open', async () => {
    const clock = new ManualClock();
    const breaker = circuitBreaker({ strategy: consecutiveFailures(1), halfOpenAfter: 30_000, clock });
    const retries = retry({ maxAttempts: 3, clock });
    const policy = pipeline(retries, breaker, timeout(100, { clock }));
    const gaveUp: string[] = [];
    retries.on('giveUp', (e) => gaveUp.push(`${e.attempts} ${e.reason}`));
    await expect(breaker.execute(flaky(1).fn)).rejects.toThrow('flaky');
    expect(breaker.state).toBe('open');
    const work = flaky(0);
    // Settles without the clock moving: no retry wait is scheduled behind the open circuit.
    const error = await policy.execute(work.fn).catch((e: unknown) => e);
    expect(isBrokenCircuitError(error)).toBe(true);
    expect((error as { attempts: number }).attempts).toBe(1);
    expect(work.calls()).toBe(0);
    expect(gaveUp).toEqual(['1 circuit_open']);
    expect(clock.pendingTimers).toBe(0);
  });

  it('gives up on an isolated breaker even when retryOpenCircuit is set', async () => {
    const clock = new ManualClock();
    const breaker = circuitBreaker({ clock });
    breaker.isolate();
    const retries = retry({ retryOpenCircuit: true, clock });
    const policy = pipeline(retries, breaker);
    const reasons: string[] = [];
    retries.on('giveUp', (e) => reasons.push(e.reason));
    await expect(policy.execute(flaky(0).fn)).rejects.toSatisfy(isBrokenCircuitError);
    expect(reasons).toEqual(['circuit_open']);
    expect(clock.pendingTimers).toBe(0);
  });

  it('retries around a breaker, waiting for it to half-open, when retryOpenCircuit opts in', async () => {
    const clock = new ManualClock();
    const breaker = circuitBreaker({ strategy: consecutiveFailures(1), halfOpenAfter: 500, clock });
    const policy = pipeline(
      retry({ maxAttempts: 3, backoff: constantBackoff(1), retryOpenCircuit: true, clock }),
      breaker,
      timeout(100, { clock }),
    );
    const result = policy.execute(flaky(1).fn);
    await clock.advance(1);
    expect(breaker.state).toBe('open');
    await clock.advance(500);
    await expect(result).resolves.toBe('ok after 3');
  });

  it('does not annotate frozen errors', async () => {
    const frozen = Object.freeze(new Error('frozen'));
    const policy = retry({ maxAttempts: 1 });
    const error = await policy.execute(() => Promise.reject(frozen)).catch((e: unknown) => e);
    expect(error).toBe(frozen);
    expect((error as { attempts?: number }).attempts).toBeUndefined();
    await expect(policy.execute(() => Promise.reject('a string'))).rejects.toBe('a string');
  });

  it('rejects bad options with ConfigurationError', () => {
    expect(() => retry({ maxAttempts: 0 })).toThrow(/retry.maxAttempts/);
    expect(() => retry({ backoff: {} as never })).toThrow(/retry.backoff/);
    expect(() => retry({ shouldRetry: 1 as never })).toThrow(/retry.shouldRetry/);
    expect(() => retry({ respectRetryAfter: 'yes' as never })).toThrow(/respectRetryAfter/);
    expect(() => retry({ retryOpenCircuit: 'yes' as never })).toThrow(/retry.retryOpenCircuit/);
    expect(() => retryBudget({ ratio: 2 })).toThrow(/retryBudget.ratio/);
    expect(() => retryBudget({ minPerSecond: -1 })).toThrow(/minPerSecond/);
    expect(() => retryBudget({ window: 5 })).toThrow(/retryBudget.window/);
  });
});
