import type { Duration } from '@ballast/core';
import { durationOption, integerOption, invalidOption, numberOption } from '@ballast/errors';
import { checkOptions } from './internal/options.js';

/** Opens the breaker after `failures` failures in a row. */
export interface ConsecutiveFailuresStrategy {
  /** Tells the strategies apart. */
  readonly kind: 'consecutive';
  /** How many failures in a row open the breaker. */
  readonly failures: number;
}

/** Opens the breaker when the failure rate over a sliding window reaches `threshold`. */
export interface FailureRateStrategy {
  /** Tells the strategies apart. */
  readonly kind: 'rate';
  /** The failure ratio that opens the breaker, in (0, 1]. */
  readonly threshold: number;
  /** The window: `{ kind: 'time', ms, buckets }` or `{ kind: 'count', calls }`. */
  readonly window:
    | { readonly kind: 'time'; readonly ms: number; readonly buckets: number }
    | { readonly kind: 'count'; readonly calls: number };
  /** Calls the window must hold before the rate is judged. */
  readonly minThroughput: number;
}

/** How a circuit breaker decides to open: see {@link consecutiveFailures} and {@link failureRate}. */
export type BreakerStrategy = ConsecutiveFailuresStrategy | FailureRateStrategy;

/**
 * Opens the breaker after `failures` consecutive failures; any success resets the count.
 * @throws ConfigurationError when `failures` is not a whole number ≥ 1.
 */
export function consecutiveFailures(failures: number): ConsecutiveFailuresStrategy {
  return { kind: 'consecutive', failures: integerOption('consecutiveFailures.failures', failures, 1) };
}

/** Options for {@link failureRate}. */
export interface FailureRateOptions {
  /** The failure ratio that opens the breaker, in (0, 1]. @defaultValue `0.5` */
  threshold?: number;
  /**
   * The sliding window: a duration (time-based, split into `buckets`) or
   * `{ calls: n }` for the last `n` calls.
   * @defaultValue `'30s'`
   */
  window?: Duration | { calls: number };
  /** Buckets of a time-based window (more buckets slide more smoothly). @defaultValue `10` */
  buckets?: number;
  /** Calls the window must hold before the rate is judged. @defaultValue `10` */
  minThroughput?: number;
}

const FAILURE_RATE_KEYS = [
  'threshold',
  'window',
  'buckets',
  'minThroughput',
] as const satisfies ReadonlyArray<keyof FailureRateOptions>;

/**
 * Opens the breaker when, over a sliding window holding at least `minThroughput`
 * calls, the share of failures reaches `threshold` (like resilience4j's breaker).
 * @throws ConfigurationError for a threshold outside (0, 1], a bad window, or bad counts.
 */
export function failureRate(options: FailureRateOptions = {}): FailureRateStrategy {
  checkOptions('failureRate', options, FAILURE_RATE_KEYS, false);
  const threshold = numberOption('failureRate.threshold', options.threshold ?? 0.5, {
    min: 0,
    max: 1,
    exclusiveMin: true,
  });
  const minThroughput = integerOption('failureRate.minThroughput', options.minThroughput ?? 10, 1);
  const raw = options.window ?? '30s';
  let window: FailureRateStrategy['window'];
  if (typeof raw === 'object' && raw !== null) {
    window = { kind: 'count', calls: integerOption('failureRate.window.calls', raw.calls, 1) };
  } else {
    const ms = durationOption('failureRate.window', raw);
    const buckets = integerOption('failureRate.buckets', options.buckets ?? 10, 1, 1000);
    if (ms < buckets)
      throw invalidOption('failureRate.window', raw, `at least ${buckets} ms (one per bucket)`);
    window = { kind: 'time', ms, buckets };
  }
  return { kind: 'rate', threshold, window, minThroughput };
}

/** Slow-call detection for a circuit breaker. */
export interface SlowCallConfig {
  /** A call taking at least this long (ms) is slow. */
  readonly duration: number;
  /** The share of slow calls that opens a `failureRate` breaker, in (0, 1]. */
  readonly rateThreshold: number;
}

/** Options for {@link slowCall}. */
export interface SlowCallOptions {
  /** A call taking at least this long is slow. */
  duration: Duration;
  /**
   * With a `failureRate` strategy, the share of slow calls in the window that opens
   * the breaker; with `consecutiveFailures`, every slow call counts as a failure.
   * @defaultValue `1` (every call in the window slow)
   */
  rateThreshold?: number;
}

const SLOW_CALL_KEYS = ['duration', 'rateThreshold'] as const satisfies ReadonlyArray<keyof SlowCallOptions>;

/**
 * Counts slow calls against a circuit breaker: a dependency that answers too
 * slowly is failing even if it answers.
 * @throws ConfigurationError when `duration` is not a positive duration or `rateThreshold` is outside (0, 1].
 */
export function slowCall(options: SlowCallOptions): SlowCallConfig {
  checkOptions('slowCall', options, SLOW_CALL_KEYS, true);
  const duration = durationOption('slowCall.duration', options?.duration);
  if (duration <= 0) throw invalidOption('slowCall.duration', options.duration, 'a duration greater than 0');
  const rateThreshold = numberOption('slowCall.rateThreshold', options.rateThreshold ?? 1, {
    min: 0,
    max: 1,
    exclusiveMin: true,
  });
  return { duration, rateThreshold };
}

/**
 * Validates a strategy object, including one not made by the factories (plain JS
 * callers, configuration files), by running it through its factory again.
 */
export function checkStrategy(strategy: unknown): BreakerStrategy {
  const given = strategy as
    | { kind?: unknown; failures?: unknown; threshold?: unknown; minThroughput?: unknown; window?: unknown }
    | undefined;
  if (given?.kind === 'consecutive') return consecutiveFailures(given.failures as number);
  if (given?.kind === 'rate') {
    const window = given.window as Partial<{ kind: string; ms: number; buckets: number; calls: number }>;
    if (window?.kind !== 'time' && window?.kind !== 'count') {
      throw invalidOption(
        'circuitBreaker.strategy.window',
        window,
        "{ kind: 'time', ms, buckets } or { kind: 'count', calls }",
      );
    }
    return failureRate({
      threshold: given.threshold as number,
      minThroughput: given.minThroughput as number,
      ...(window.kind === 'count'
        ? { window: { calls: window.calls as number } }
        : { window: window.ms as number, buckets: window.buckets as number }),
    });
  }
  throw invalidOption('circuitBreaker.strategy', strategy, 'consecutiveFailures(n) or failureRate({ … })');
}

/** Validates a slow-call setting, including a plain object (durations may be strings like `'2s'`). */
export function checkSlowCall(config: unknown): SlowCallConfig | undefined {
  if (config === undefined) return undefined;
  if (typeof config !== 'object' || config === null) {
    throw invalidOption(
      'circuitBreaker.slowCall',
      config,
      "slowCall({ duration, rateThreshold }), e.g. slowCall({ duration: '2s' })",
    );
  }
  return slowCall(config as SlowCallOptions);
}
