import { ManualClock } from '@ballast/core/testing';
import { TimeoutError } from '@ballast/errors';
import { describe, expect, it } from 'vitest';
import { timeout } from '../src/index.js';

const never = () => new Promise<never>(() => {});

describe('timeout', () => {
  it('returns the value of work that finishes in time', async () => {
    const clock = new ManualClock();
    const policy = timeout(100, { clock });
    await expect(policy.execute(() => 42)).resolves.toBe(42);
    expect(policy.ms).toBe(100);
    expect(policy.strategy).toBe('aggressive');
  });

  it('rejects with TimeoutError at the deadline even when the work ignores the signal (aggressive)', async () => {
    const clock = new ManualClock();
    const policy = timeout('1s', { clock });
    const result = policy.execute(never);
    const settled = expect(result).rejects.toSatisfy((error) => TimeoutError.is(error));
    await clock.advance(999);
    let done = false;
    void result.catch(() => {}).finally(() => (done = true));
    await clock.advance(0);
    expect(done).toBe(false);
    await clock.advance(1);
    await settled;
  });

  it('aborts the signal the work reads at the deadline', async () => {
    const clock = new ManualClock();
    const policy = timeout(50, { clock });
    const fired: string[] = [];
    policy.on('timeout', (e) => fired.push(`${e.ms} ${e.strategy}`));
    let seen: AbortSignal | undefined;
    const result = policy.execute(({ signal }) => {
      seen = signal;
      return never();
    });
    const settled = expect(result).rejects.toThrow(/timed out after 50 ms/);
    expect(seen?.aborted).toBe(false);
    await clock.advance(50);
    await settled;
    expect(seen?.aborted).toBe(true);
    expect(TimeoutError.is(seen?.reason)).toBe(true);
    expect(fired).toEqual(['50 aggressive']);
  });

  it('hands an already aborted signal to work that reads it after the deadline', async () => {
    const clock = new ManualClock();
    const policy = timeout(10, { clock });
    let read: (() => AbortSignal) | undefined;
    const result = policy.execute((ctx) => {
      read = () => ctx.signal;
      return never();
    });
    const settled = expect(result).rejects.toThrow(TimeoutError);
    await clock.advance(10);
    await settled;
    expect(read!().aborted).toBe(true);
  });

  it('passes rejections of the work through unchanged', async () => {
    const clock = new ManualClock();
    const boom = new Error('boom');
    await expect(timeout(10, { clock }).execute(() => Promise.reject(boom))).rejects.toBe(boom);
    await expect(
      timeout(10, { clock }).execute(() => {
        throw boom;
      }),
    ).rejects.toBe(boom);
  });

  it('waits for cooperative work and rejects with TimeoutError when it fails after the abort', async () => {
    const clock = new ManualClock();
    const policy = timeout(20, { clock, strategy: 'cooperative' });
    const result = policy.execute(
      ({ signal }) =>
        new Promise((_, reject) =>
          signal.addEventListener('abort', () => reject(new Error('aborted by signal'))),
        ),
    );
    const settled = expect(result).rejects.toSatisfy(
      (error) => TimeoutError.is(error) && (error as Error).cause instanceof Error,
    );
    await clock.advance(20);
    await settled;
  });

  it('lets cooperative work that finishes despite the abort return its value', async () => {
    const clock = new ManualClock();
    const policy = timeout(20, { clock, strategy: 'cooperative' });
    const result = policy.execute(() => clock.sleep(30).then(() => 'late'));
    await clock.advance(30);
    await expect(result).resolves.toBe('late');
  });

  it('rethrows a cooperative rejection that is the timeout itself', async () => {
    const clock = new ManualClock();
    const policy = timeout(20, { clock, strategy: 'cooperative' });
    const result = policy.execute(
      ({ signal }) =>
        new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
    );
    const settled = expect(result).rejects.toThrow(/timed out after 20 ms/);
    await clock.advance(20);
    await settled;
  });

  it('serves many concurrent calls with one timer and leaves none once they settle', async () => {
    const clock = new ManualClock();
    const policy = timeout(100, { clock });
    const fast = Array.from({ length: 5 }, (_, i) => policy.execute(() => clock.sleep(i * 10).then(() => i)));
    const slow = policy.execute(never);
    const slowSettled = expect(slow).rejects.toThrow(TimeoutError);
    // five sleeps + one shared timeout timer
    expect(clock.pendingTimers).toBe(6);
    await clock.advance(40);
    await expect(Promise.all(fast)).resolves.toEqual([0, 1, 2, 3, 4]);
    await clock.advance(60);
    await slowSettled;
    expect(clock.pendingTimers).toBe(0);
  });

  it('clears its shared timer on the next turn once no call is pending', async () => {
    const clock = new ManualClock();
    const policy = timeout(1_000, { clock });
    await policy.execute(() => 1);
    await policy.execute(() => 2);
    await clock.advance(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it('expires calls in deadline order even when the clock steps back', async () => {
    const manual = new ManualClock({ now: 1_000 });
    let offset = 0;
    const clock = {
      now: () => manual.now() + offset,
      setTimeout: manual.setTimeout.bind(manual),
      clearTimeout: manual.clearTimeout.bind(manual),
      setInterval: manual.setInterval.bind(manual),
      sleep: manual.sleep.bind(manual),
    };
    const policy = timeout(100, { clock });
    const order: string[] = [];
    const first = policy.execute(never).catch(() => order.push('first'));
    offset = -50;
    const second = policy.execute(never).catch(() => order.push('second'));
    await manual.advance(100);
    expect(order).toEqual(['second']);
    await manual.advance(50);
    await Promise.all([first, second]);
    expect(order).toEqual(['second', 'first']);
  });

  it('aborts the work signal when the caller signal aborts', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    const result = timeout(100, { clock }).execute(({ signal }) => {
      seen = signal;
      return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    }, controller.signal);
    controller.abort(new Error('caller gave up'));
    await expect(result).rejects.toThrow('caller gave up');
    expect(seen?.aborted).toBe(true);
  });

  it('gives work an aborted signal when the caller signal aborted before it was read', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const result = timeout(100, { clock }).execute(async (ctx) => {
      await Promise.resolve();
      controller.abort('stop');
      return ctx.signal.aborted;
    }, controller.signal);
    await expect(result).resolves.toBe(true);
  });

  it('rejects at once when the caller signal has already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('already'));
    let ran = false;
    await expect(timeout(10).execute(() => (ran = true), controller.signal)).rejects.toThrow('already');
    expect(ran).toBe(false);
  });

  it('rejects bad options with ConfigurationError', () => {
    expect(() => timeout(0)).toThrow(/timeout.ms/);
    expect(() => timeout(-5)).toThrow(/timeout.ms/);
    expect(() => timeout('soon' as never)).toThrow(/timeout.ms/);
    expect(() => timeout(10, { strategy: 'lazy' as never })).toThrow(/timeout.strategy/);
  });
});
