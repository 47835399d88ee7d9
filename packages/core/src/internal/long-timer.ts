/**
 * The longest delay a Node timer holds: a longer one fires after 1 ms with a
 * `TimeoutOverflowWarning`.
 */
export const MAX_TIMER_DELAY = 2_147_483_647;

/**
 * A timeout (or, with `every`, an interval) longer than {@link MAX_TIMER_DELAY}: a chain
 * of Node timers, one pending at a time, behind one handle. Clearing, `unref()` and
 * `ref()` act on whichever link is pending, and each new link inherits the handle's ref
 * state. A delay of `Infinity` never fires.
 */
export class LongTimer {
  readonly #callback: () => void;
  readonly #every: number | undefined;
  #left: number;
  #refed = true;
  #timer: NodeJS.Timeout;
  readonly #next = (): void => this.#onLink();

  constructor(callback: () => void, ms: number, every: number | undefined) {
    this.#callback = callback;
    this.#every = every;
    this.#left = ms;
    this.#timer = this.#link();
  }

  /** Stops the chain: clears the pending link, so no further link is scheduled. */
  clear(): void {
    clearTimeout(this.#timer);
  }

  unref(): this {
    this.#refed = false;
    this.#timer.unref();
    return this;
  }

  ref(): this {
    this.#refed = true;
    this.#timer.ref();
    return this;
  }

  #link(): NodeJS.Timeout {
    const step = Math.min(this.#left, MAX_TIMER_DELAY);
    this.#left -= step;
    const timer = setTimeout(this.#next, step);
    if (!this.#refed) timer.unref();
    return timer;
  }

  #onLink(): void {
    if (this.#left > 0) {
      this.#timer = this.#link();
      return;
    }
    // An interval starts its next period before the callback, so the callback may clear it.
    if (this.#every !== undefined) {
      this.#left = this.#every;
      this.#timer = this.#link();
    }
    this.#callback();
  }
}
