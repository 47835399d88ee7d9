/**
 * A sliding-window log: admits at most `max` events in any interval of `per`
 * milliseconds (not just in fixed buckets), remembering only the last `max` times.
 */
export class SlidingLog {
  readonly #max: number;
  readonly #per: number;
  readonly #times: number[] = [];

  constructor(max: number, per: number) {
    this.#max = max;
    this.#per = per;
  }

  #prune(now: number): void {
    while (this.#times.length > 0 && this.#times[0]! <= now - this.#per) this.#times.shift();
  }

  /** Records an event at `now` and returns `true` when it fits; returns `false` (and records nothing) otherwise. */
  tryTake(now: number): boolean {
    this.#prune(now);
    if (this.#times.length >= this.#max) return false;
    this.#times.push(now);
    return true;
  }

  /** Records an event at `now` even when the log is full (for a final flush). */
  force(now: number): void {
    this.#times.push(now);
    if (this.#times.length > this.#max) this.#times.shift();
  }

  /** Milliseconds from `now` until the next event would fit (0 when it fits now). */
  waitFrom(now: number): number {
    this.#prune(now);
    if (this.#times.length < this.#max) return 0;
    return this.#times[0]! + this.#per - now;
  }
}
