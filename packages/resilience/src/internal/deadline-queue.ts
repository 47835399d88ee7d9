import type { Clock, TimerHandle } from '@ballast/core';

/** An item with a deadline, linked into a {@link DeadlineQueue}. */
export interface DeadlineEntry {
  readonly deadline: number;
  prev: DeadlineEntry | undefined;
  next: DeadlineEntry | undefined;
  queued: boolean;
  /** Called once when the deadline passes while the entry is still queued. */
  expire(): void;
}

/**
 * A deadline-ordered list served by one timer. Entries of one timeout policy
 * are added in deadline order, so insertion is O(1) in practice and removal is
 * always O(1). The timer is armed for the earliest deadline and cleared on the
 * next turn of the event loop once the queue is empty, so a busy policy does not
 * create and clear a timer per call, and an idle one holds no timer.
 */
export class DeadlineQueue {
  head: DeadlineEntry | undefined = undefined;
  tail: DeadlineEntry | undefined = undefined;
  #timer: TimerHandle | undefined = undefined;
  #due = Number.POSITIVE_INFINITY;
  #idleCheck = false;
  readonly #fire = (): void => this.#onTimer();
  readonly #idle = (): void => this.#onIdle();

  constructor(readonly clock: Clock) {}

  add(entry: DeadlineEntry): void {
    entry.queued = true;
    let after = this.tail;
    while (after !== undefined && after.deadline > entry.deadline) after = after.prev;
    entry.prev = after;
    entry.next = after === undefined ? this.head : after.next;
    if (entry.next === undefined) this.tail = entry;
    else entry.next.prev = entry;
    if (after === undefined) this.head = entry;
    else after.next = entry;
    if (this.#timer === undefined || entry.deadline < this.#due) this.#arm(this.head!.deadline);
  }

  remove(entry: DeadlineEntry): void {
    if (!entry.queued) return;
    entry.queued = false;
    const { prev, next } = entry;
    if (prev === undefined) this.head = next;
    else prev.next = next;
    if (next === undefined) this.tail = prev;
    else next.prev = prev;
    entry.prev = undefined;
    entry.next = undefined;
    if (this.head === undefined && this.#timer !== undefined && !this.#idleCheck) {
      this.#idleCheck = true;
      setImmediate(this.#idle);
    }
  }

  #arm(due: number): void {
    if (this.#timer !== undefined) this.clock.clearTimeout(this.#timer);
    this.#due = due;
    this.#timer = this.clock.setTimeout(this.#fire, Math.max(0, due - this.clock.now()));
  }

  #onTimer(): void {
    this.#timer = undefined;
    this.#due = Number.POSITIVE_INFINITY;
    const now = this.clock.now();
    for (let entry = this.head; entry !== undefined && entry.deadline <= now; entry = this.head) {
      this.remove(entry);
      entry.expire();
    }
    if (this.head !== undefined && this.#timer === undefined) this.#arm(this.head.deadline);
  }

  #onIdle(): void {
    this.#idleCheck = false;
    if (this.head === undefined && this.#timer !== undefined) {
      this.clock.clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#due = Number.POSITIVE_INFINITY;
    }
  }
}
