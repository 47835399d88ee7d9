import type { Clock, TimerHandle } from './clock.js';

/** The next turn of the event loop: `setImmediate` where there is one (Node, Bun, Deno), else a 0 ms timer (a browser). */
const nextTurn: (callback: () => void) => unknown =
  globalThis.setImmediate ?? ((callback: () => void) => setTimeout(callback, 0));

/**
 * An operation with a deadline, linked into a {@link DeadlineQueue}. The queue owns
 * `prev`, `next` and `queued`; start them as `undefined`, `undefined`, `false`.
 */
export interface DeadlineEntry {
  /** When the operation expires, in the queue's clock's milliseconds; set before `add`. */
  deadline: number;
  /** The entry before this one in deadline order (the queue's link). */
  prev: DeadlineEntry | undefined;
  /** The entry after this one in deadline order (the queue's link). */
  next: DeadlineEntry | undefined;
  /** Whether the entry is in the queue: `add` sets it, `remove` and expiry clear it. */
  queued: boolean;
  /** Called once when the deadline passes while the entry is still queued. */
  expire(): void;
}

/** Options for {@link DeadlineQueue}. */
export interface DeadlineQueueOptions {
  /**
   * What happens to the shared timer once the queue empties. `'clear'`: it is cleared on
   * the next turn of the event loop, so no timer outlives the operations it serves.
   * `'unref'`: it is kept, unreferenced (it never holds the process open), until it lapses
   * at its due time, so a steady stream of short operations never sets a new timer.
   * @defaultValue `'clear'`
   */
  idle?: 'clear' | 'unref';
}

/** A Node timer can be re-referenced; other clocks' handles may only offer `unref`. */
type Refable = TimerHandle & { ref?: () => unknown };

/**
 * Operations in flight ordered by deadline, served by one timer: each expires (its
 * `expire()` runs once) when its deadline passes unless it was removed first.
 *
 * Built for many short operations with similar limits (a timeout policy, a cache tier's
 * reads): entries added in deadline order insert in O(1) (an out-of-order one walks back
 * from the newest), removal is always O(1), and the one timer is armed for the earliest
 * deadline and re-armed for the next when it fires, so a busy queue never creates a timer
 * per operation. Time comes from the injected {@link Clock}.
 */
export class DeadlineQueue {
  #head: DeadlineEntry | undefined = undefined;
  #tail: DeadlineEntry | undefined = undefined;
  #timer: Refable | undefined = undefined;
  #due = Number.POSITIVE_INFINITY;
  /** `'unref'` mode: the timer is unreferenced because the queue emptied. */
  #sleeping = false;
  /** `'clear'` mode: a check that clears the timer is scheduled for the next turn. */
  #clearing = false;
  readonly #clock: Clock;
  readonly #unref: boolean;
  readonly #fire = (): void => this.#onTimer();
  readonly #idle = (): void => this.#onIdle();

  /** @param clock - the time source of the deadlines and the timer. */
  constructor(clock: Clock, options: DeadlineQueueOptions = {}) {
    this.#clock = clock;
    this.#unref = options.idle === 'unref';
  }

  /** Queues `entry` until its `deadline` (or its removal). */
  add(entry: DeadlineEntry): void {
    entry.queued = true;
    let after = this.#tail;
    while (after !== undefined && after.deadline > entry.deadline) after = after.prev;
    entry.prev = after;
    entry.next = after === undefined ? this.#head : after.next;
    if (entry.next === undefined) this.#tail = entry;
    else entry.next.prev = entry;
    if (after === undefined) this.#head = entry;
    else after.next = entry;
    if (this.#timer === undefined || entry.deadline < this.#due) this.#arm(this.#head!.deadline);
    else if (this.#sleeping) this.#wake();
  }

  /** Takes `entry` out (it finished in time); a no-op once it has expired or was removed. */
  remove(entry: DeadlineEntry): void {
    if (!entry.queued) return;
    entry.queued = false;
    const { prev, next } = entry;
    if (prev === undefined) this.#head = next;
    else prev.next = next;
    if (next === undefined) this.#tail = prev;
    else next.prev = prev;
    entry.prev = undefined;
    entry.next = undefined;
    if (this.#head !== undefined || this.#timer === undefined) return;
    if (this.#unref) {
      this.#sleeping = true;
      this.#timer.unref();
    } else if (!this.#clearing) {
      this.#clearing = true;
      nextTurn(this.#idle);
    }
  }

  #arm(due: number): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#sleeping = false;
    this.#due = due;
    this.#timer = this.#clock.setTimeout(this.#fire, Math.max(0, due - this.#clock.now())) as Refable;
  }

  /** Work arrived while the timer was unreferenced: hold the process again. */
  #wake(): void {
    const timer = this.#timer!;
    if (typeof timer.ref === 'function') {
      this.#sleeping = false;
      timer.ref();
      return;
    }
    this.#arm(this.#head!.deadline);
  }

  #onTimer(): void {
    this.#timer = undefined;
    this.#sleeping = false;
    this.#due = Number.POSITIVE_INFINITY;
    const now = this.#clock.now();
    for (let entry = this.#head; entry !== undefined && entry.deadline <= now; entry = this.#head) {
      this.remove(entry);
      entry.expire();
    }
    if (this.#head !== undefined && this.#timer === undefined) this.#arm(this.#head.deadline);
  }

  #onIdle(): void {
    this.#clearing = false;
    if (this.#head === undefined && this.#timer !== undefined) {
      this.#clock.clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#due = Number.POSITIVE_INFINITY;
    }
  }
}
