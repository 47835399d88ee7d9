import { type Clock, createEmitter, type EventSource, systemClock } from '@ballast/core';
import { durationOption, integerOption, invalidOption, normalizeError } from '@ballast/errors';
import { type Backoff, exponentialBackoff } from './backoff.js';
import { isBrokenCircuitError } from './errors.js';
import { type Call, policyOf, type Scope, type Step, signalOf } from './internal/call.js';
import { type Instruments, instruments, rejected, rejection, retryEvent } from './internal/metrics.js';
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
    reason: 'max_attempts' | 'not_retryable' | 'budget' | 'aborted' | 'retry_after' | 'circuit_open';
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
   * Waits at least an error's `retryAfterMs` (from `Retry-After` or a rate limiter)
   * before retrying. A hint longer than `max` gives up at once (`giveUp` reason
   * `'retry_after'`) instead of waiting: raise `max` to opt into longer waits.
   * `false` ignores hints (only the backoff applies).
   * @defaultValue `true` (`max` 60 s)
   */
  respectRetryAfter?: boolean | { max: number | string };
  /**
   * Retries a `BrokenCircuitError` from a breaker inside this retry, waiting its
   * `retryAfterMs` (within `respectRetryAfter.max`). By default an open or isolated
   * circuit gives up at once (`giveUp` reason `'circuit_open'`): the breaker is there to
   * fail fast. An isolated breaker is never retried.
   * @defaultValue `false`
   */
  retryOpenCircuit?: boolean;
  /**
   * A budget shared across callers that caps retries to a share of traffic; a retry it
   * refuses counts in `ballast.resilience.rejections` (`retry`, `budget`). @defaultValue none
   */
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

/** The error's `retryAfterMs` when it is a finite number of milliseconds. */
function hintOf(error: unknown): number | undefined {
  const hinted = (error as { retryAfterMs?: unknown } | null)?.retryAfterMs;
  return typeof hinted === 'number' && Number.isFinite(hinted) ? hinted : undefined;
}

const ATTEMPT = Object.freeze({ 'ballast.resilience.policy': 'retry' });
/** A retry the shared budget refused: counted as a rejection (`retry`, `budget`). */
const BUDGET_SPENT = rejection('retry', 'budget');

class RetryStep implements Step {
  readonly kind = 'retry';
  /** Resolved per use, so a policy built before the SDK starts records once it is registered. */
  get metrics(): Instruments | undefined {
    return instruments();
  }

  constructor(
    readonly maxAttempts: number,
    readonly backoff: Backoff,
    readonly shouldRetry: (error: unknown, attempt: number) => boolean,
    /** The longest `retryAfterMs` worth waiting for; `undefined` ignores hints. */
    readonly retryAfterCap: number | undefined,
    readonly retryOpenCircuit: boolean,
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
        if (reason === 'budget') rejected(BUDGET_SPENT);
        if (this.events.has('giveUp')) this.events.emit('giveUp', { attempts: attempt, error, reason });
        throw error;
      }
      let delay = Math.max(0, this.backoff.delay(attempt, previous));
      previous = delay;
      const hinted = this.retryAfterCap === undefined ? undefined : hintOf(error);
      if (hinted !== undefined && hinted > delay) delay = hinted;
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
    if (isBrokenCircuitError(error) && (!this.retryOpenCircuit || error.details.isolated))
      return 'circuit_open';
    if (this.retryAfterCap !== undefined) {
      const hinted = hintOf(error);
      if (hinted !== undefined && hinted > this.retryAfterCap) return 'retry_after';
    }
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
  'retryOpenCircuit',
  'clock',
] as const satisfies ReadonlyArray<keyof RetryOptions>;

/**
 * Retries failed work with backoff. `maxAttempts` counts every attempt; the wait
 * honours `retryAfterMs` hints, and a hint beyond `respectRetryAfter.max` or an open
 * circuit (a `BrokenCircuitError` from an inner breaker) gives up at once; a shared `budget` caps retries across callers;
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
  let cap: number | undefined;
  if (respect === true) cap = 60_000;
  else if (typeof respect === 'object' && respect !== null)
    cap = durationOption('retry.respectRetryAfter.max', respect.max);
  else if (respect !== false)
    throw invalidOption('retry.respectRetryAfter', respect, 'a boolean or { max: duration }');
  const retryOpenCircuit = options.retryOpenCircuit ?? false;
  if (typeof retryOpenCircuit !== 'boolean')
    throw invalidOption('retry.retryOpenCircuit', retryOpenCircuit, 'a boolean');
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
    retryOpenCircuit,
    budget,
    options.clock ?? systemClock,
    events,
  );
  return policyOf<RetryPolicy>([step], { maxAttempts, on: events.on });
}
