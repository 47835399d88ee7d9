import { afterEach, describe, expect, it, vi } from 'vitest';
import { abortReason, systemClock, type TimerHandle } from '../src/clock.js';

describe('systemClock', () => {
  it('reads the wall clock', () => {
    const before = Date.now();
    const now = systemClock.now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });

  it('schedules, repeats and clears with Node timers', () => {
    vi.useFakeTimers();
    try {
      const once = vi.fn();
      const every = vi.fn();
      systemClock.setTimeout(once, 100).unref();
      const interval = systemClock.setInterval(every, 40);
      vi.advanceTimersByTime(100);
      expect(once).toHaveBeenCalledTimes(1);
      expect(every).toHaveBeenCalledTimes(2);
      systemClock.clearTimeout(interval);
      vi.advanceTimersByTime(100);
      expect(every).toHaveBeenCalledTimes(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('sleeps and aborts', async () => {
    vi.useFakeTimers();
    try {
      const sleeping = systemClock.sleep(50);
      vi.advanceTimersByTime(50);
      await expect(sleeping).resolves.toBeUndefined();
      const controller = new AbortController();
      const aborted = systemClock.sleep(50, controller.signal);
      controller.abort();
      await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('systemClock beyond the 2^31−1 ms of a Node timer', () => {
  const MAX = 2 ** 31 - 1;
  const LONG = 2 ** 31 + 1_000;

  afterEach(() => {
    vi.useRealTimers();
  });

  it('fires a 2^31+1000 ms timeout once, at its time and not before', () => {
    vi.useFakeTimers();
    const fired = vi.fn();
    systemClock.setTimeout(fired, LONG);
    vi.advanceTimersByTime(1_000);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(MAX - 1_000);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(LONG - MAX - 1);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(10 * LONG);
    expect(fired).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('holds one Node timer at a time, so nothing spins while it waits', () => {
    vi.useFakeTimers();
    const schedule = vi.spyOn(globalThis, 'setTimeout');
    systemClock.setTimeout(() => {}, LONG);
    vi.advanceTimersByTime(60_000);
    expect(schedule).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(MAX - 60_000);
    expect(schedule).toHaveBeenCalledTimes(2);
    expect(vi.getTimerCount()).toBe(1);
  });

  it('keeps exactly 2^31−1 ms on one plain Node timer, and never fires an Infinity delay', () => {
    vi.useFakeTimers();
    const schedule = vi.spyOn(globalThis, 'setTimeout');
    const atMax = vi.fn();
    const never = vi.fn();
    expect(systemClock.setTimeout(atMax, MAX)).toBe(schedule.mock.results[0]?.value);
    const forever = systemClock.setTimeout(never, Number.POSITIVE_INFINITY);
    vi.advanceTimersByTime(MAX - 1);
    expect(atMax).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(atMax).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(5 * MAX);
    expect(never).not.toHaveBeenCalled();
    systemClock.clearTimeout(forever);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('clears a long timeout before and after its first link has passed', () => {
    vi.useFakeTimers();
    const early = vi.fn();
    const late = vi.fn();
    systemClock.clearTimeout(systemClock.setTimeout(early, LONG));
    const handle = systemClock.setTimeout(late, LONG);
    vi.advanceTimersByTime(MAX + 10);
    systemClock.clearTimeout(handle);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(LONG);
    expect(early).not.toHaveBeenCalled();
    expect(late).not.toHaveBeenCalled();
    systemClock.clearTimeout(handle);
  });

  it('keeps unref() and ref() on whichever link of the chain is pending', () => {
    vi.useFakeTimers();
    const schedule = vi.spyOn(globalThis, 'setTimeout');
    const pending = (): NodeJS.Timeout => schedule.mock.results.at(-1)?.value as NodeJS.Timeout;
    const fired = vi.fn();
    const handle = systemClock.setTimeout(fired, LONG) as TimerHandle & { ref(): TimerHandle };
    expect(handle.unref()).toBe(handle);
    expect(pending().hasRef()).toBe(false);
    vi.advanceTimersByTime(MAX);
    expect(schedule).toHaveBeenCalledTimes(2);
    expect(pending().hasRef()).toBe(false);
    expect(handle.ref()).toBe(handle);
    expect(pending().hasRef()).toBe(true);
    vi.advanceTimersByTime(LONG - MAX);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it('repeats a long interval at its period until cleared', () => {
    vi.useFakeTimers();
    const every = vi.fn();
    const handle = systemClock.setInterval(every, LONG);
    vi.advanceTimersByTime(1_000);
    expect(every).not.toHaveBeenCalled();
    vi.advanceTimersByTime(LONG - 1_001);
    expect(every).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(every).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(LONG - 1);
    expect(every).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect(every).toHaveBeenCalledTimes(2);
    systemClock.clearTimeout(handle);
    vi.advanceTimersByTime(2 * LONG);
    expect(every).toHaveBeenCalledTimes(2);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('sleeps for a long delay, and stops at once when aborted mid-chain', async () => {
    vi.useFakeTimers();
    let slept = false;
    const sleeping = systemClock.sleep(LONG).then(() => (slept = true));
    await vi.advanceTimersByTimeAsync(LONG - 1);
    expect(slept).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await sleeping;
    expect(slept).toBe(true);

    const controller = new AbortController();
    const aborted = systemClock.sleep(LONG, controller.signal);
    await vi.advanceTimersByTimeAsync(MAX + 1);
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('abortReason', () => {
  it('returns the reason, or an AbortError when there is none', () => {
    const reason = new Error('why');
    expect(abortReason(AbortSignal.abort(reason))).toBe(reason);
    const bare = { aborted: true, reason: undefined } as unknown as AbortSignal;
    expect(abortReason(bare)).toMatchObject({ name: 'AbortError' });
  });
});
