import { type Clock, sleepWith, type TimerHandle } from './clock.js';

interface ManualTimer extends TimerHandle {
  due: number;
  readonly seq: number;
  readonly every: number | undefined;
  readonly callback: () => void;
  active: boolean;
}

/** Options for {@link ManualClock}. */
export interface ManualClockOptions {
  /**
   * The starting time in epoch milliseconds.
   * @defaultValue `0`
   */
  now?: number;
}

/** Settles pending promise continuations before the next timer fires. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * A {@link Clock} that only moves when a test moves it. `advance(ms)` fires every
 * timer that falls due, in time order (ties in scheduling order), each at exactly
 * its due time, and lets promise continuations run between timers, so code that
 * awaits `clock.sleep()` behaves as it would in real time. It patches no globals.
 *
 * @example
 * const clock = new ManualClock();
 * const done = clock.sleep(1_000);
 * await clock.advance(1_000); // `done` is now resolved
 */
export class ManualClock implements Clock {
  #now: number;
  #seq = 0;
  #timers: ManualTimer[] = [];
  /** The advance or runAll in progress: concurrent calls take turns, so time only moves forward. */
  #turn: Promise<void> = Promise.resolve();

  constructor(options: ManualClockOptions = {}) {
    this.#now = options.now ?? 0;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    return this.#add(callback, ms, undefined);
  }

  setInterval(callback: () => void, ms: number): TimerHandle {
    return this.#add(callback, ms, Math.max(1, sanitize(ms)));
  }

  clearTimeout(handle: TimerHandle): void {
    const timer = handle as ManualTimer;
    if (!timer.active) return;
    timer.active = false;
    const index = this.#timers.indexOf(timer);
    if (index >= 0) this.#timers.splice(index, 1);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepWith(this, ms, signal);
  }

  /** How many timers are waiting to fire. */
  get pendingTimers(): number {
    return this.#timers.length;
  }

  /**
   * Moves time forward by `ms`, firing every timer due by then (including timers
   * scheduled by callbacks along the way) in order, with promise continuations
   * settled after each one. Resolves once time has moved `ms` further. Calls made while
   * another `advance` or `runAll` is running wait their turn, so two concurrent
   * `advance(100)` move time by 200 and time never goes back.
   */
  advance(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) {
      return Promise.reject(
        new TypeError(`ManualClock.advance expects a non-negative number of milliseconds, got ${ms}.`),
      );
    }
    return this.#take(() => this.#advance(ms));
  }

  /** Runs `step` after every earlier advance/runAll has finished, whether it succeeded or not. */
  #take(step: () => Promise<void>): Promise<void> {
    const run = this.#turn.then(step);
    this.#turn = run.catch(() => {});
    return run;
  }

  async #advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    await settle();
    for (let next = this.#timers[0]; next !== undefined && next.due <= target; next = this.#timers[0]) {
      this.#now = next.due;
      this.#fire(next);
      await settle();
    }
    this.#now = target;
  }

  /**
   * Fires timers until none is left, moving time to each one's due time.
   * Waits for any `advance` or `runAll` already running, like `advance`.
   * @throws Error after `limit` timers, which usually means an interval is still running.
   */
  runAll(limit = 10_000): Promise<void> {
    return this.#take(() => this.#runAll(limit));
  }

  async #runAll(limit: number): Promise<void> {
    await settle();
    for (let fired = 0; this.#timers[0] !== undefined; fired++) {
      if (fired >= limit)
        throw new Error(
          `ManualClock.runAll fired ${limit} timers and more remain; is an interval still set?`,
        );
      const next = this.#timers[0];
      this.#now = next.due;
      this.#fire(next);
      await settle();
    }
  }

  #fire(timer: ManualTimer): void {
    this.#timers.shift();
    if (timer.every === undefined) {
      timer.active = false;
    } else {
      timer.due += timer.every;
      this.#insert(timer);
    }
    timer.callback();
  }

  #add(callback: () => void, ms: number, every: number | undefined): TimerHandle {
    const timer: ManualTimer = {
      due: this.#now + sanitize(ms),
      seq: this.#seq++,
      every,
      callback,
      active: true,
      unref: () => timer,
    };
    this.#insert(timer);
    return timer;
  }

  #insert(timer: ManualTimer): void {
    // Keep timers sorted by due time, then by scheduling order (stable for ties).
    let index = this.#timers.length;
    while (index > 0) {
      const before = this.#timers[index - 1]!;
      if (before.due < timer.due || (before.due === timer.due && before.seq < timer.seq)) break;
      index--;
    }
    this.#timers.splice(index, 0, timer);
  }
}

/** Node treats negative, NaN and missing delays as 0 (well, 1); so do we, as 0. */
function sanitize(ms: number): number {
  return Number.isFinite(ms) && ms > 0 ? ms : 0;
}
