import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../src/testing.js';

describe('ManualClock', () => {
  it('starts at the given time and only moves when advanced', async () => {
    const clock = new ManualClock({ now: 1_000 });
    expect(clock.now()).toBe(1_000);
    await clock.advance(250);
    expect(clock.now()).toBe(1_250);
    expect(new ManualClock().now()).toBe(0);
  });

  it('fires a timer at exactly its due time, not before', async () => {
    const clock = new ManualClock();
    const seen: number[] = [];
    clock.setTimeout(() => seen.push(clock.now()), 100);
    await clock.advance(99);
    expect(seen).toEqual([]);
    await clock.advance(1);
    expect(seen).toEqual([100]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('fires ties in scheduling order and runs timers scheduled by callbacks in the same advance', async () => {
    const clock = new ManualClock();
    const order: string[] = [];
    clock.setTimeout(() => {
      order.push('a');
      clock.setTimeout(() => order.push('c'), 0);
    }, 10);
    clock.setTimeout(() => order.push('b'), 10);
    await clock.advance(10);
    expect(order).toEqual(['a', 'b', 'c']);
  });

  it('lets promise continuations run between timers', async () => {
    const clock = new ManualClock();
    const log: string[] = [];
    const task = (async () => {
      await clock.sleep(100);
      log.push(`first at ${clock.now()}`);
      await clock.sleep(100);
      log.push(`second at ${clock.now()}`);
    })();
    await clock.advance(250);
    await task;
    expect(log).toEqual(['first at 100', 'second at 200']);
    expect(clock.now()).toBe(250);
  });

  it('clears timers and ignores clearing twice', async () => {
    const clock = new ManualClock();
    let fired = false;
    const handle = clock.setTimeout(() => {
      fired = true;
    }, 10);
    expect(handle.unref()).toBe(handle);
    clock.clearTimeout(handle);
    clock.clearTimeout(handle);
    await clock.advance(20);
    expect(fired).toBe(false);
  });

  it('repeats intervals until cleared', async () => {
    const clock = new ManualClock();
    const ticks: number[] = [];
    const handle = clock.setInterval(() => ticks.push(clock.now()), 30);
    await clock.advance(100);
    expect(ticks).toEqual([30, 60, 90]);
    clock.clearTimeout(handle);
    await clock.advance(100);
    expect(ticks).toHaveLength(3);
  });

  it('treats negative and NaN delays as zero', async () => {
    const clock = new ManualClock();
    let count = 0;
    clock.setTimeout(() => count++, -5);
    clock.setTimeout(() => count++, Number.NaN);
    await clock.advance(0);
    expect(count).toBe(2);
  });

  it('rejects sleep when the signal aborts, with its reason, and clears the timer', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const sleeping = clock.sleep(1_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(sleeping).rejects.toThrow('stop');
    expect(clock.pendingTimers).toBe(0);
  });

  it('rejects sleep at once for an already-aborted signal', async () => {
    const clock = new ManualClock();
    await expect(clock.sleep(10, AbortSignal.abort())).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('resolves sleep with a signal that never aborts and removes its listener', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const sleeping = clock.sleep(10, controller.signal);
    await clock.advance(10);
    await expect(sleeping).resolves.toBeUndefined();
    controller.abort();
  });

  it('runAll fires every pending timer and stops runaway intervals', async () => {
    const clock = new ManualClock();
    const seen: number[] = [];
    clock.setTimeout(() => seen.push(clock.now()), 500);
    clock.setTimeout(() => seen.push(clock.now()), 5);
    await clock.runAll();
    expect(seen).toEqual([5, 500]);
    clock.setInterval(() => {}, 1);
    await expect(clock.runAll(50)).rejects.toThrow(/fired 50 timers/);
  });

  it('runs concurrent advances one after another, so time adds up and never goes back', async () => {
    const clock = new ManualClock();
    const seen: number[] = [];
    clock.setTimeout(() => seen.push(clock.now()), 150);
    await Promise.all([clock.advance(100), clock.advance(100)]);
    expect(clock.now()).toBe(200);
    expect(seen).toEqual([150]);
    await Promise.all([clock.advance(500), clock.advance(10)]);
    expect(clock.now()).toBe(710);
  });

  it('keeps taking turns after a runAll that gave up', async () => {
    const clock = new ManualClock();
    const interval = clock.setInterval(() => {}, 1);
    const failed = expect(clock.runAll(5)).rejects.toThrow(/fired 5 timers/);
    const after = clock.advance(10);
    await failed;
    clock.clearTimeout(interval);
    await after;
    expect(clock.now()).toBe(15);
  });

  it('rejects a negative advance', async () => {
    await expect(new ManualClock().advance(-1)).rejects.toThrow(TypeError);
  });

  it('fires every timer exactly once, in time order, never early, for generated schedules', async () => {
    const schedule = fc.array(fc.record({ delay: fc.nat(1_000), at: fc.nat(1_000), cancel: fc.boolean() }), {
      maxLength: 40,
    });
    const steps = fc.array(fc.nat(300), { minLength: 1, maxLength: 10 });
    await fc.assert(
      fc.asyncProperty(schedule, steps, async (timers, advances) => {
        const clock = new ManualClock();
        const fired: { id: number; due: number; at: number }[] = [];
        // Schedule each timer from inside an earlier timer so scheduling during advance is covered too.
        const cancelled = new Set<number>();
        timers.forEach((timer, id) => {
          clock.setTimeout(() => {
            const due = clock.now() + timer.delay;
            const handle = clock.setTimeout(() => fired.push({ id, due, at: clock.now() }), timer.delay);
            if (timer.cancel && timer.delay > 0) {
              clock.clearTimeout(handle);
              cancelled.add(id);
            }
          }, timer.at);
        });
        for (const step of advances) await clock.advance(step);
        await clock.runAll();
        const ids = fired.map((entry) => entry.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids.length + cancelled.size).toBe(timers.length);
        for (const entry of fired) expect(entry.at).toBe(entry.due);
        for (let i = 1; i < fired.length; i++) expect(fired[i]!.at).toBeGreaterThanOrEqual(fired[i - 1]!.at);
      }),
      { numRuns: 100 },
    );
  });
  it('fires every due timer and moves time even when a callback throws, then rejects with the error', async () => {
    const clock = new ManualClock();
    const fired: number[] = [];
    clock.setTimeout(() => {
      fired.push(clock.now());
      throw new Error('boom at 10');
    }, 10);
    clock.setTimeout(() => fired.push(clock.now()), 20);
    await expect(clock.advance(50)).rejects.toThrow('boom at 10');
    expect(fired).toEqual([10, 20]);
    expect(clock.now()).toBe(50);
    expect(clock.pendingTimers).toBe(0);
    await expect(clock.advance(5)).resolves.toBeUndefined();
  });

  it('rejects with an AggregateError when several callbacks throw, in advance and runAll', async () => {
    const clock = new ManualClock();
    clock.setTimeout(() => {
      throw new Error('a');
    }, 1);
    clock.setTimeout(() => {
      throw new Error('b');
    }, 2);
    const error = await clock.advance(10).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AggregateError);
    expect((error as AggregateError).errors.map((e: Error) => e.message)).toEqual(['a', 'b']);
    clock.setTimeout(() => {
      throw new Error('c');
    }, 1);
    let after = false;
    clock.setTimeout(() => {
      after = true;
    }, 2);
    await expect(clock.runAll()).rejects.toThrow('c');
    expect(after).toBe(true);
  });
});
