import type { Clock, TimerHandle } from '@ballast/core';

/** An operation with a deadline, linked into a {@link Deadlines} list. */
export interface Deadline {
  deadline: number;
  prev: Deadline | undefined;
  next: Deadline | undefined;
  queued: boolean;
  /** Called once when the deadline passes while the operation is still queued. */
  expire(): void;
}

/** A Node timer can be re-referenced; other clocks' handles may only offer `unref`. */
type Refable = TimerHandle & { ref?: () => unknown };

/**
 * The operations of one tier in flight, oldest first, served by one coarse timer.
 * Every operation gets the same limit, so the list stays in deadline order and adding
 * or removing is O(1). The timer is armed for the oldest deadline and, when it fires,
 * re-armed for the next one; it is not cleared when the list empties but unreferenced,
 * so a busy tier never creates a timer per call and an idle one never holds the
 * process open (it lapses at its due time).
 */
export class Deadlines {
  head: Deadline | undefined = undefined;
  tail: Deadline | undefined = undefined;
  #timer: Refable | undefined = undefined;
  /** Whether the timer is unreferenced because the list emptied. */
  #idle = false;
  readonly #fire = (): void => this.#expire();

  constructor(
    readonly clock: Clock,
    /** The limit of every operation, in ms. */
    readonly ms: number,
  ) {}

  /** Starts the clock on `entry`: it expires `ms` from now unless removed first. */
  add(entry: Deadline): void {
    entry.deadline = this.clock.now() + this.ms;
    entry.queued = true;
    entry.prev = this.tail;
    entry.next = undefined;
    if (this.tail === undefined) this.head = entry;
    else this.tail.next = entry;
    this.tail = entry;
    if (this.#timer === undefined) this.#arm(entry.deadline);
    else if (this.#idle) this.#wake();
  }

  /** Stops the clock on `entry` (it finished); a no-op once it has expired. */
  remove(entry: Deadline): void {
    if (!entry.queued) return;
    entry.queued = false;
    const { prev, next } = entry;
    if (prev === undefined) this.head = next;
    else prev.next = next;
    if (next === undefined) this.tail = prev;
    else next.prev = prev;
    entry.prev = undefined;
    entry.next = undefined;
    if (this.head === undefined && this.#timer !== undefined) {
      this.#idle = true;
      this.#timer.unref();
    }
  }

  #arm(due: number): void {
    this.#idle = false;
    this.#timer = this.clock.setTimeout(this.#fire, Math.max(0, due - this.clock.now())) as Refable;
  }

  /** Work arrived while the timer was unreferenced: hold the process again. */
  #wake(): void {
    const timer = this.#timer!;
    if (typeof timer.ref === 'function') {
      this.#idle = false;
      timer.ref();
      return;
    }
    this.clock.clearTimeout(timer);
    this.#arm(this.head!.deadline);
  }

  #expire(): void {
    this.#timer = undefined;
    this.#idle = false;
    const now = this.clock.now();
    for (let entry = this.head; entry !== undefined && entry.deadline <= now; entry = this.head) {
      this.remove(entry);
      entry.expire();
    }
    if (this.head !== undefined && this.#timer === undefined) this.#arm(this.head.deadline);
  }
}
