import { LongTimer, MAX_TIMER_DELAY } from './internal/long-timer.js';

/** An opaque handle for a scheduled callback, returned by {@link Clock.setTimeout}. */
export interface TimerHandle {
  /** Lets the process exit while this timer is pending (a no-op on clocks without a process). */
  unref(): TimerHandle;
}

/**
 * The source of time for every Ballast package. Inject one to make time-dependent
 * behaviour deterministic: `systemClock` in production, `ManualClock` from
 * `@ballast/core/testing` in tests.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Runs `callback` once after `ms` milliseconds. */
  setTimeout(callback: () => void, ms: number): TimerHandle;
  /** Cancels a timer from {@link Clock.setTimeout} or {@link Clock.setInterval}; unknown handles are ignored. */
  clearTimeout(handle: TimerHandle): void;
  /** Runs `callback` every `ms` milliseconds until cleared with {@link Clock.clearTimeout}. */
  setInterval(callback: () => void, ms: number): TimerHandle;
  /**
   * Resolves after `ms` milliseconds. Rejects with `signal.reason` as soon as `signal`
   * aborts (at once if it already has), and clears its timer so nothing outlives the wait.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Rejects with the signal's reason, or a DOMException `AbortError` when it has none. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/** A browser's timer id as a {@link TimerHandle}: there is no process to hold open, so `unref()` does nothing. */
class WebTimer implements TimerHandle {
  constructor(readonly id: number) {}
  unref(): this {
    return this;
  }
}

/** Node's and Bun's timers are objects with `unref()`; a browser's are numbers, wrapped. */
function handleOf(timer: NodeJS.Timeout | number): TimerHandle {
  return typeof timer === 'number' ? new WebTimer(timer) : timer;
}

/**
 * The wall clock and Node's timers: the default `Clock` everywhere. Delays beyond the
 * 2^31−1 ms (about 24.8 days) a Node timer can hold are kept by a chain of shorter
 * timers, so `setTimeout(fn, ms)`, `setInterval` and `sleep` wait the full delay instead of
 * Node's 1 ms; their handles still work with `clearTimeout`, `unref()` and `ref()`
 * (through this clock, not the global `clearTimeout`).
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) =>
    ms > MAX_TIMER_DELAY ? new LongTimer(callback, ms, undefined) : handleOf(setTimeout(callback, ms)),
  clearTimeout: (handle) => {
    if (handle instanceof LongTimer) handle.clear();
    else if (handle instanceof WebTimer) clearTimeout(handle.id);
    else clearTimeout(handle as NodeJS.Timeout);
  },
  setInterval: (callback, ms) =>
    ms > MAX_TIMER_DELAY ? new LongTimer(callback, ms, ms) : handleOf(setInterval(callback, ms)),
  sleep: (ms, signal) => sleepWith(systemClock, ms, signal),
};

/**
 * Implements {@link Clock.sleep} on top of any clock's `setTimeout`, so that every
 * clock aborts and cleans up the same way.
 */
export function sleepWith(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  return new Promise<void>((resolve, reject) => {
    if (!signal) {
      clock.setTimeout(resolve, ms);
      return;
    }
    const onAbort = (): void => {
      clock.clearTimeout(handle);
      reject(abortReason(signal));
    };
    const handle = clock.setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
