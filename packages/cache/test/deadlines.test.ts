import type { Clock, TimerHandle } from '@ballast/core';
import { ManualClock } from '@ballast/core/testing';
import { describe, expect, it, vi } from 'vitest';
import { type Deadline, Deadlines } from '../src/internal/deadlines.js';

function op(): Deadline & { expired: number } {
  return {
    deadline: 0,
    prev: undefined,
    next: undefined,
    queued: false,
    expired: 0,
    expire() {
      this.expired++;
    },
  };
}

/** A ManualClock whose handles can be re-referenced, as Node's timers can. */
function refClock() {
  const clock = new ManualClock();
  const refs = { ref: 0, unref: 0, set: 0 };
  const wrapped: Clock = {
    now: () => clock.now(),
    setTimeout(callback, ms) {
      refs.set++;
      const handle = clock.setTimeout(callback, ms);
      return Object.assign(handle, {
        ref: () => refs.ref++,
        unref: () => {
          refs.unref++;
          return handle;
        },
      }) as TimerHandle;
    },
    clearTimeout: (handle) => clock.clearTimeout(handle),
    setInterval: (callback, ms) => clock.setInterval(callback, ms),
    sleep: (ms, signal) => clock.sleep(ms, signal),
  };
  return { clock, wrapped, refs };
}

describe('Deadlines', () => {
  it('expires operations at their deadline, oldest first, with one timer', async () => {
    const clock = new ManualClock();
    const deadlines = new Deadlines(clock, 100);
    const first = op();
    const second = op();
    const done = op();
    deadlines.add(first);
    await clock.advance(30);
    deadlines.add(second);
    deadlines.add(done);
    deadlines.remove(done);
    expect(clock.pendingTimers).toBe(1);
    await clock.advance(70);
    expect([first.expired, second.expired]).toEqual([1, 0]);
    await clock.advance(29);
    expect(second.expired).toBe(0);
    await clock.advance(1);
    expect([first.expired, second.expired, done.expired]).toEqual([1, 1, 0]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('keeps one timer while busy instead of one per call, and unreferences it when idle', async () => {
    const { clock, wrapped, refs } = refClock();
    const deadlines = new Deadlines(wrapped, 100);
    for (let i = 0; i < 5; i++) {
      const read = op();
      deadlines.add(read);
      deadlines.remove(read);
      deadlines.remove(read);
      await clock.advance(10);
    }
    expect(refs).toEqual({ set: 1, unref: 5, ref: 4 });
    await clock.advance(100);
    expect(clock.pendingTimers).toBe(0);
  });

  it('re-arms when the clock cannot re-reference an idle timer', async () => {
    const clock = new ManualClock();
    const set = vi.spyOn(clock, 'setTimeout');
    const deadlines = new Deadlines(clock, 100);
    const first = op();
    deadlines.add(first);
    deadlines.remove(first);
    await clock.advance(50);
    const second = op();
    deadlines.add(second);
    expect(set).toHaveBeenCalledTimes(2);
    expect(clock.pendingTimers).toBe(1);
    await clock.advance(99);
    expect(second.expired).toBe(0);
    await clock.advance(1);
    expect(second.expired).toBe(1);
  });
});
