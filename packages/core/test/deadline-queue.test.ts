import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import type { Clock, TimerHandle } from '../src/clock.js';
import { type DeadlineEntry, DeadlineQueue } from '../src/deadline-queue.js';
import { ManualClock } from '../src/manual-clock.js';

function op(): DeadlineEntry & { expired: number } {
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

/** The cache's use: every operation gets the same limit, and the timer is unreferenced when idle. */
function fixedLimit(clock: Clock, ms: number) {
  const queue = new DeadlineQueue(clock, { idle: 'unref' });
  return {
    add(entry: DeadlineEntry) {
      entry.deadline = clock.now() + ms;
      queue.add(entry);
    },
    remove: (entry: DeadlineEntry) => queue.remove(entry),
  };
}

describe('DeadlineQueue with a fixed limit, unreferenced when idle', () => {
  it('expires operations at their deadline, oldest first, with one timer', async () => {
    const clock = new ManualClock();
    const deadlines = fixedLimit(clock, 100);
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
    const deadlines = fixedLimit(wrapped, 100);
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
    const deadlines = fixedLimit(clock, 100);
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

describe('DeadlineQueue, cleared when idle (the default)', () => {
  it('clears its timer on the next turn once the queue empties', async () => {
    const clock = new ManualClock();
    const queue = new DeadlineQueue(clock);
    const entry = op();
    entry.deadline = 1_000;
    queue.add(entry);
    queue.remove(entry);
    expect(clock.pendingTimers).toBe(1);
    await new Promise(setImmediate);
    expect(clock.pendingTimers).toBe(0);
    expect(entry.expired).toBe(0);
  });

  it('keeps the timer when work arrives before the next turn', async () => {
    const clock = new ManualClock();
    const queue = new DeadlineQueue(clock);
    const first = op();
    first.deadline = 100;
    queue.add(first);
    queue.remove(first);
    const second = op();
    second.deadline = 100;
    queue.add(second);
    await new Promise(setImmediate);
    expect(clock.pendingTimers).toBe(1);
    await clock.advance(100);
    expect(second.expired).toBe(1);
  });

  it('re-arms for an entry due before the armed deadline', async () => {
    const clock = new ManualClock();
    const queue = new DeadlineQueue(clock);
    const late = op();
    late.deadline = 100;
    const early = op();
    early.deadline = 10;
    queue.add(late);
    queue.add(early);
    expect(clock.pendingTimers).toBe(1);
    await clock.advance(10);
    expect([early.expired, late.expired]).toEqual([1, 0]);
    await clock.advance(90);
    expect([early.expired, late.expired]).toEqual([1, 1]);
  });
});

type Step =
  | { kind: 'add'; limit: number }
  | { kind: 'remove'; pick: number }
  | { kind: 'advance'; ms: number };

const arbStep: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), limit: fc.nat(100) }),
  fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.nat(80) }),
);

describe('DeadlineQueue against a model', () => {
  it('expires exactly the entries not removed, each at its deadline, in deadline order, and leaves no timer', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(arbStep, { maxLength: 40 }),
        fc.constantFrom('clear' as const, 'unref' as const),
        async (steps, idle) => {
          const clock = new ManualClock();
          const queue = new DeadlineQueue(clock, { idle });
          type Tracked = DeadlineEntry & { id: number; expiredAt: number | undefined };
          const expiredOrder: number[] = [];
          const live: Tracked[] = [];
          const all: Tracked[] = [];
          const removed = new Set<number>();
          for (const step of steps) {
            if (step.kind === 'add') {
              const entry: Tracked = {
                id: all.length,
                deadline: clock.now() + step.limit,
                prev: undefined,
                next: undefined,
                queued: false,
                expiredAt: undefined,
                expire() {
                  expect(this.expiredAt).toBeUndefined();
                  this.expiredAt = clock.now();
                  expiredOrder.push(this.id);
                },
              };
              all.push(entry);
              live.push(entry);
              queue.add(entry);
            } else if (step.kind === 'remove') {
              const queued = live.filter((entry) => entry.queued);
              if (queued.length === 0) continue;
              const entry = queued[step.pick % queued.length]!;
              queue.remove(entry);
              removed.add(entry.id);
            } else {
              await clock.advance(step.ms);
            }
          }
          await clock.advance(200);
          await new Promise(setImmediate);
          // The model: every entry not removed expires once, exactly at its deadline, and
          // entries expire in deadline order (ties in the order they were added).
          const expected = all
            .filter((entry) => !removed.has(entry.id))
            .sort((a, b) => a.deadline - b.deadline || a.id - b.id)
            .map((entry) => entry.id);
          expect(expiredOrder).toEqual(expected);
          for (const entry of all) {
            expect(entry.queued).toBe(false);
            expect(entry.expiredAt).toBe(removed.has(entry.id) ? undefined : entry.deadline);
          }
          expect(clock.pendingTimers).toBe(0);
        },
      ),
    );
  });
});
