import { type Clock, createEmitter, type EventSource, systemClock } from '@ballast/core';
import { durationOption, integerOption, invalidOption, normalizeError } from '@ballast/errors';
import { type Backoff, exponentialBackoff } from './backoff.js';
import { type Call, policyOf, type Scope, type Step, signalOf } from './internal/call.js';
import { type Instruments, instruments, retryEvent } from './internal/metrics.js';
import { checkOptions } from './internal/options.js';
import type { Policy } from './policy.js';
import type { RetryBudget } from './retry-budget.js';

/** Events of a {@link RetryPolicy}. */
export interface RetryEvents {
  /** Attempt `attempt` failed and the policy will retry after `delayMs`. */
  retry: { attempt: number; delayMs: number; error: unknown };
  /** The policy gave up after `attempts` attempts; `reason` says why. */
  giveUp: {
    attempts: number;
    error: unknown;
    reason: 'max_attempts' | 'not_retryable' | 'budget' | 'aborted';
  };
}

/** Options for {@link retry}. */
export interface RetryOptions {
  /** All attempts, the first included. @defaultValue `3` */
  maxAttempts?: number;
  /** The wait before each retry. @defaultValue `exponentialBackoff()` (100 ms doubling to 30 s, full jitter) */
  backoff?: Backoff;
  /**
   * Whether to retry after `error` on attempt `attempt`.
   * @defaultValue `isRetryable`: `retryable` after `normalizeError` (rate limited,
   * timeout, network, unavailable); aborts, client errors and bugs never
   */
  shouldRetry?: (error: unknown, attempt: number) => boolean;
  /**
   * Waits at least an error's `retryAfterMs` (from `Retry-After`, a rate limiter or an
   * open breaker) before retrying, capped by `max`. `false` ignores it.
   * @defaultValue `true` (cap 60 s)
   */
  respectRetryAfter?: boolean | { max: number | string };
  /** A budget shared across callers that caps retries to a share of traffic. @defaultValue none */
  budget?: RetryBudget;
  /** The source of time. @defaultValue `systemClock` */
  clock?: Clock;
}

/** A {@link retry} policy. */
export interface RetryPolicy extends Policy, EventSource<RetryEvents> {
  /** All attempts allowed, the first included. */
  readonly maxAttempts: number;
}

/** The error a retry gives up with: the last error, with the number of attempts made. */
export interface RetryAnnotated {
  /** How many attempts were made before giving up. */
  readonly attempts?: number;
}

/**
 * The default `shouldRetry`: the `retryable` flag of the error after `normalizeError`
 * (rate limited, timeouts, network and unavailable errors, HTTP 429/502/503/504,
 * `ECONNRESET`…); aborts, client errors and unknown bugs are not retried.
 */
export function isRetryable(error: unknown): boolean {
  return normalizeError(error).retryable;
}

function annotate(error: unknown, attempts: number): void {
  if (typeof error === 'object' && error !== null && Object.isExtensible(error)) {
    Object.defineProperty(error, 'attempts', { value: attempts, configurable: true, writable: true });
  }
}

const ATTEMPT = Object.freeze({ 'ballast.resilience.policy': 'retry' });

class RetryStep implements Step {
  /** Resolved per use, so a policy built before the SDK starts records once it is registered. */
  get metrics(): Instruments | undefined {
    return instruments();
  }

  constructor(
    readonly maxAttempts: number,
    readonly backoff: Backoff,
    readonly shouldRetry: (error: unknown, attempt: number) => boolean,
    readonly retryAfterCap: number,
    readonly budget: RetryBudget | undefined,
    readonly clock: Clock,
    readonly events: ReturnType<typeof createEmitter<RetryEvents>>,
  ) {}

  run(call: Call, index: number, scope: Scope | undefined, _attempt: number): Promise<unknown> {
    this.budget?.deposit();
    this.metrics?.attempts.add(1, ATTEMPT);
    // The first attempt stays off the async retry loop: most calls succeed.
    return call
      .next(index, scope, 1)
      .then(undefined, (error: unknown) => this.again(error, call, index, scope));
  }

  /** The slow path: decides on the failure of `attempt`, waits, and tries again until done. */
  async again(first: unknown, call: Call, index: number, scope: Scope | undefined): Promise<unknown> {
    let previous = 0;
    let error = first;
    for (let attempt = 1; ; attempt++) {
      const reason = this.verdict(error, attempt, scope, call);
      if (reason !== undefined) {
        annotate(error, attempt);
        if (this.events.has('giveUp')) this.events.emit('giveUp', { attempts: attempt, error, reason });
        throw error;
      }
      let delay = Math.max(0, this.backoff.delay(attempt, previous));
      previous = delay;
      const hinted = (error as { retryAfterMs?: unknown } | null)?.retryAfterMs;
      if (typeof hinted === 'number' && hinted > delay)
        delay = Math.max(delay, Math.min(hinted, this.retryAfterCap));
      if (this.events.has('retry')) this.events.emit('retry', { attempt, delayMs: delay, error });
      this.metrics?.retries.add(1, ATTEMPT);
      if (call.span !== undefined) retryEvent(call.span, attempt, delay, error);
      if (delay > 0) {
        try {
          await this.clock.sleep(delay, signalOf(scope, call.outer));
        } catch (aborted) {
          // The caller gave up while we waited: it gets its abort reason, and listeners
          // learn which failure was being retried.
          annotate(error, attempt);
          if (this.events.has('giveUp'))
            this.events.emit('giveUp', { attempts: attempt, error, reason: 'aborted' });
          throw aborted;
        }
      }
      this.metrics?.attempts.add(1, ATTEMPT);
      try {
        return await call.next(index, scope, attempt + 1);
      } catch (next) {
        error = next;
      }
    }
  }

  verdict(
    error: unknown,
    attempt: number,
    scope: Scope | undefined,
    call: Call,
  ): RetryEvents['giveUp']['reason'] | undefined {
    if (signalOf(scope, call.outer).aborted) return 'aborted';
    if (attempt >= this.maxAttempts) return 'max_attempts';
    if (!this.shouldRetry(error, attempt)) return 'not_retryable';
    if (this.budget !== undefined && !this.budget.withdraw()) return 'budget';
    return undefined;
  }
}

const RETRY_KEYS = [
  'maxAttempts',
  'backoff',
  'shouldRetry',
  'respectRetryAfter',
  'budget',
  'clock',
] as const satisfies ReadonlyArray<keyof RetryOptions>;

/**
 * Retries failed work with backoff. `maxAttempts` counts every attempt; the wait
 * honours `retryAfterMs` hints; a shared `budget` caps retries across callers;
 * aborting the caller's signal stops the wait at once (the call rejects with the
 * abort reason and `giveUp` reports `'aborted'` with the failure being retried).
 * Gives up with the last error, annotated with `attempts`.
 *
 * @throws ConfigurationError for `maxAttempts` < 1, a bad backoff or `respectRetryAfter`.
 *
 * @example
 * const policy = retry({ maxAttempts: 4, backoff: exponentialBackoff({ initial: '200ms' }) });
 * const user = await policy.execute(() => api.getUser(id));
 */
export function retry(options: RetryOptions = {}): RetryPolicy {
  checkOptions('retry', options, RETRY_KEYS, false);
  const maxAttempts = integerOption('retry.maxAttempts', options.maxAttempts ?? 3, 1);
  const backoff = options.backoff ?? exponentialBackoff();
  if (typeof backoff?.delay !== 'function') throw invalidOption('retry.backoff', backoff, 'a Backoff');
  const shouldRetry = options.shouldRetry ?? isRetryable;
  if (typeof shouldRetry !== 'function') throw invalidOption('retry.shouldRetry', shouldRetry, 'a function');
  const respect = options.respectRetryAfter ?? true;
  let cap = 0;
  if (respect === true) cap = 60_000;
  else if (typeof respect === 'object' && respect !== null)
    cap = durationOption('retry.respectRetryAfter.max', respect.max);
  else if (respect !== false)
    throw invalidOption('retry.respectRetryAfter', respect, 'a boolean or { max: duration }');
  const budget = options.budget;
  if (
    budget !== undefined &&
    (typeof budget?.deposit !== 'function' || typeof budget.withdraw !== 'function')
  ) {
    throw invalidOption('retry.budget', budget, 'a retry budget from retryBudget({ ratio, minPerSecond })');
  }
  const events = createEmitter<RetryEvents>();
  const step = new RetryStep(
    maxAttempts,
    backoff,
    shouldRetry,
    cap,
    budget,
    options.clock ?? systemClock,
    events,
  );
  return policyOf<RetryPolicy>([step], { maxAttempts, on: events.on });
}
