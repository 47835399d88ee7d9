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

/**
 * Throws what timer callbacks threw during an advance, once every due timer has fired and
 * time has moved (as with real timers, one throwing callback does not stop the others):
 * the error itself when there is one, an `AggregateError` of all of them otherwise.
 */
function rethrow(errors: unknown[]): void {
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1)
    throw new AggregateError(errors, `${errors.length} ManualClock timer callbacks threw.`);
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

  /** The virtual time, in epoch ms: moves only through `advance`, `set` or `runAll`. */
  now(): number {
    return this.#now;
  }

  /** Schedules `callback` once, `ms` of virtual time from now. */
  setTimeout(callback: () => void, ms: number): TimerHandle {
    return this.#add(callback, ms, undefined);
  }

  /** Schedules `callback` every `ms` of virtual time. */
  setInterval(callback: () => void, ms: number): TimerHandle {
    return this.#add(callback, ms, Math.max(1, sanitize(ms)));
  }

  /** Cancels a timeout or an interval; a no-op for one that already ran or was cleared. */
  clearTimeout(handle: TimerHandle): void {
    const timer = handle as ManualTimer;
    if (!timer.active) return;
    timer.active = false;
    const index = this.#timers.indexOf(timer);
    if (index >= 0) this.#timers.splice(index, 1);
  }

  /** Resolves after `ms` of virtual time; rejects with the signal's reason if `signal` aborts first. */
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
   * `advance(100)` move time by 200 and time never goes back. A callback that throws
   * does not stop the others: the advance completes, then rejects with that error (an
   * `AggregateError` when several threw).
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
    const errors: unknown[] = [];
    await settle();
    for (let next = this.#timers[0]; next !== undefined && next.due <= target; next = this.#timers[0]) {
      this.#now = next.due;
      this.#fire(next, errors);
      await settle();
    }
    this.#now = target;
    rethrow(errors);
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
    const errors: unknown[] = [];
    await settle();
    for (let fired = 0; this.#timers[0] !== undefined; fired++) {
      if (fired >= limit)
        throw new Error(
          `ManualClock.runAll fired ${limit} timers and more remain; is an interval still set?`,
        );
      const next = this.#timers[0];
      this.#now = next.due;
      this.#fire(next, errors);
      await settle();
    }
    rethrow(errors);
  }

  /** Fires `timer`; what its callback throws goes to `errors`, so the other timers still fire. */
  #fire(timer: ManualTimer, errors: unknown[]): void {
    this.#timers.shift();
    if (timer.every === undefined) {
      timer.active = false;
    } else {
      timer.due += timer.every;
      this.#insert(timer);
    }
    try {
      timer.callback();
    } catch (error) {
      errors.push(error);
    }
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
