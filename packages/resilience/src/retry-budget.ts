import { type Clock, type Duration, systemClock } from '@ballast/core';
import { durationOption, invalidOption, numberOption } from '@ballast/errors';
import { checkOptions } from './internal/options.js';

/**
 * A retry budget shared by every caller of a dependency: it caps retries to a
 * fraction of recent traffic so that retries cannot multiply an outage.
 */
export interface RetryBudget {
  /** Records one call (not a retry); each call earns `ratio` of a retry. */
  deposit(): void;
  /** Takes one retry from the budget; `false` means the budget is spent and the caller must give up. */
  withdraw(): boolean;
  /** Retries that could be taken right now (rounded down). */
  readonly available: number;
}

/** Options for {@link retryBudget}. */
export interface RetryBudgetOptions {
  /** Retries allowed per call in the window, in [0, 1]. @defaultValue `0.1` */
  ratio?: number;
  /** Retries always allowed per second of the window, whatever the traffic. @defaultValue `10` */
  minPerSecond?: number;
  /** How far back calls and retries count. @defaultValue `'10s'` */
  window?: Duration;
  /** The source of time. @defaultValue `systemClock` */
  clock?: Clock;
}

const BUCKETS = 10;

const RETRY_BUDGET_KEYS = ['ratio', 'minPerSecond', 'window', 'clock'] as const satisfies ReadonlyArray<
  keyof RetryBudgetOptions
>;

/**
 * Creates a retry budget (as in Finagle and gRPC): over the last `window`, retries
 * never exceed `minPerSecond · window(s) + ratio · calls`. Pass the same budget to
 * every `retry` policy in front of one dependency.
 * @throws ConfigurationError for a ratio outside [0, 1], a negative `minPerSecond` or a bad window.
 */
export function retryBudget(options: RetryBudgetOptions = {}): RetryBudget {
  checkOptions('retryBudget', options, RETRY_BUDGET_KEYS, false);
  const ratio = numberOption('retryBudget.ratio', options.ratio ?? 0.1, { min: 0, max: 1 });
  const minPerSecond = numberOption('retryBudget.minPerSecond', options.minPerSecond ?? 10, { min: 0 });
  const window = durationOption('retryBudget.window', options.window ?? '10s');
  if (window < BUCKETS)
    throw invalidOption('retryBudget.window', options.window, `a duration ≥ ${BUCKETS} ms`);
  const clock = options.clock ?? systemClock;
  const reserve = minPerSecond * (window / 1000);
  const width = window / BUCKETS;
  const calls = new Float64Array(BUCKETS);
  const retries = new Float64Array(BUCKETS);
  let totalCalls = 0;
  let totalRetries = 0;
  let current = Math.floor(clock.now() / width);

  const advance = (): number => {
    const slot = Math.floor(clock.now() / width);
    if (slot > current) {
      const steps = Math.min(slot - current, BUCKETS);
      for (let i = 1; i <= steps; i++) {
        const b = (current + i) % BUCKETS;
        totalCalls -= calls[b]!;
        totalRetries -= retries[b]!;
        calls[b] = 0;
        retries[b] = 0;
      }
      current = slot;
    }
    return current % BUCKETS;
  };
  const balance = (): number => reserve + ratio * totalCalls - totalRetries;

  return {
    deposit() {
      calls[advance()]!++;
      totalCalls++;
    },
    withdraw() {
      const b = advance();
      if (balance() < 1) return false;
      retries[b]!++;
      totalRetries++;
      return true;
    },
    get available() {
      advance();
      return Math.max(0, Math.floor(balance()));
    },
  };
}
