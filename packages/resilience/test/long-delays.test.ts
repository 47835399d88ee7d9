import { TimeoutError, UnavailableError } from '@ballast/errors';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { bulkhead, constantBackoff, hedge, retry, timeout } from '../src/index.js';

// Node's timers hold at most 2^31−1 ms (about 24.8 days); a longer delay fires after 1 ms.
// These policies run on the default systemClock under fake timers, which clamp the same way.
const MAX = 2 ** 31 - 1;
const DAY = 86_400_000;
const never = () => new Promise<never>(() => {});

/** Records how a promise settled, without letting a rejection go unhandled. */
function watch(promise: Promise<unknown>): { state: () => string } {
  let state = 'pending';
  promise.then(
    () => (state = 'resolved'),
    (error: unknown) => (state = TimeoutError.is(error) ? 'timed out' : `rejected: ${String(error)}`),
  );
  return { state: () => state };
}

describe('policies on systemClock with delays beyond 2^31−1 ms', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it("timeout('30d') neither fires early nor re-arms its timer every millisecond", async () => {
    const schedule = vi.spyOn(globalThis, 'setTimeout');
    const call = watch(timeout('30d').execute(never));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(call.state()).toBe('pending');
    expect(schedule.mock.calls.length).toBeLessThanOrEqual(1);
    await vi.advanceTimersByTimeAsync(30 * DAY - 1_001);
    expect(call.state()).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    expect(call.state()).toBe('timed out');
  });

  it('retry waits the whole of a backoff longer than 2^31−1 ms', async () => {
    const work = vi.fn(() => Promise.reject(new UnavailableError('down')));
    const call = watch(retry({ maxAttempts: 2, backoff: constantBackoff(2 ** 31) }).execute(work));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(work).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(2 ** 31 - 1_001);
    expect(work).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(work).toHaveBeenCalledTimes(2);
    expect(call.state()).toBe('rejected: UnavailableError: down');
  });

  it('bulkhead keeps a queued call for the whole of a queueTimeout longer than 2^31−1 ms', async () => {
    const pool = bulkhead({ limit: 1, queue: 1, queueTimeout: 2 ** 31 });
    void pool.execute(never);
    const queued = watch(pool.execute(() => 'ran'));
    await vi.advanceTimersByTimeAsync(MAX);
    expect(queued.state()).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    expect(queued.state()).toMatch(/^rejected: .*queue/);
  });

  it('hedge waits the whole of a delay longer than 2^31−1 ms before hedging', async () => {
    const attempts = vi.fn(never);
    void hedge({ delay: 2 ** 31 }).execute(attempts);
    await vi.advanceTimersByTimeAsync(MAX);
    expect(attempts).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(attempts).toHaveBeenCalledTimes(2);
  });
});
