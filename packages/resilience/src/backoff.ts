import type { Duration } from '@ballast/core';
import { durationOption, invalidOption, numberOption } from '@ballast/errors';
import { checkOptions } from './internal/options.js';

/**
 * How long to wait before a retry (or before a breaker half-opens again).
 * Backoffs are stateless and can be shared: the caller passes the attempt number
 * and the previous delay.
 */
export interface Backoff {
  /**
   * The delay in ms before retry number `attempt` (1 for the first retry), given
   * the delay used before the previous one (`0` for the first retry).
   */
  delay(attempt: number, previous: number): number;
}

/**
 * Waits the same `ms` before every retry.
 * @throws ConfigurationError when `ms` is not a duration ≥ 0.
 */
export function constantBackoff(ms: Duration): Backoff {
  const delay = durationOption('constantBackoff.ms', ms);
  return { delay: () => delay };
}

/** How {@link exponentialBackoff} randomises delays. */
export type Jitter = 'full' | 'decorrelated' | 'none';

/** Options for {@link exponentialBackoff}. */
export interface ExponentialBackoffOptions {
  /** The base delay. @defaultValue `100` ms */
  initial?: Duration;
  /** The cap on any delay. @defaultValue `30_000` ms */
  max?: Duration;
  /** The growth per attempt, ≥ 1. @defaultValue `2` */
  factor?: number;
  /**
   * `full`: uniform in [0, min(max, initial·factorⁿ)]; `decorrelated`:
   * min(max, uniform(initial, previous·3)); `none`: min(max, initial·factorⁿ),
   * where n counts retries from 0.
   * @defaultValue `'full'`
   */
  jitter?: Jitter;
  /** Uniform random numbers in [0, 1). @defaultValue `Math.random` */
  random?: () => number;
}

const EXPONENTIAL_BACKOFF_KEYS = [
  'initial',
  'max',
  'factor',
  'jitter',
  'random',
] as const satisfies ReadonlyArray<keyof ExponentialBackoffOptions>;

/**
 * Exponential backoff with jitter (AWS's "full" or "decorrelated" jitter), so many
 * clients retrying at once spread out instead of hammering a recovering dependency.
 * @throws ConfigurationError for negative durations, `max < initial`, `factor < 1` or an unknown jitter.
 */
export function exponentialBackoff(options: ExponentialBackoffOptions = {}): Backoff {
  checkOptions('exponentialBackoff', options, EXPONENTIAL_BACKOFF_KEYS, false);
  const initial = durationOption('exponentialBackoff.initial', options.initial ?? 100);
  const max = durationOption('exponentialBackoff.max', options.max ?? 30_000);
  if (max < initial)
    throw invalidOption('exponentialBackoff.max', options.max, `a duration ≥ initial (${initial} ms)`);
  const factor = numberOption('exponentialBackoff.factor', options.factor ?? 2, { min: 1 });
  const jitter = options.jitter ?? 'full';
  const random = options.random ?? Math.random;
  const ceiling = (attempt: number): number => Math.min(max, initial * factor ** Math.max(0, attempt - 1));
  switch (jitter) {
    case 'none':
      return { delay: (attempt) => ceiling(attempt) };
    case 'full':
      return { delay: (attempt) => random() * ceiling(attempt) };
    case 'decorrelated':
      return {
        delay: (_attempt, previous) => {
          const upper = Math.max(initial, (previous > 0 ? previous : initial) * 3);
          return Math.min(max, initial + random() * (upper - initial));
        },
      };
    default:
      throw invalidOption('exponentialBackoff.jitter', jitter, "'full', 'decorrelated' or 'none'");
  }
}
