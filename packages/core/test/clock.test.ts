import { describe, expect, it, vi } from 'vitest';
import { abortReason, systemClock } from '../src/clock.js';

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

describe('abortReason', () => {
  it('returns the reason, or an AbortError when there is none', () => {
    const reason = new Error('why');
    expect(abortReason(AbortSignal.abort(reason))).toBe(reason);
    const bare = { aborted: true, reason: undefined } as unknown as AbortSignal;
    expect(abortReason(bare)).toMatchObject({ name: 'AbortError' });
  });
});
