import {
  type Clock,
  createEmitter,
  type Duration,
  type EventSource,
  type HealthIndicator,
  type HealthResult,
  systemClock,
} from '@ballast/core';
import { durationOption, integerOption, invalidOption } from '@ballast/errors';
import type { Backoff } from './backoff.js';
import {
  type BreakerStrategy,
  checkSlowCall,
  checkStrategy,
  consecutiveFailures,
  type SlowCallConfig,
} from './breaker-strategy.js';
import type { CircuitBreakerEvents, CircuitState } from './circuit-state.js';
import { BreakerStep } from './internal/breaker-step.js';
import { policyOf } from './internal/call.js';
import { isDependencyFailure } from './internal/failure.js';
import { checkOptions } from './internal/options.js';
import type { Policy } from './policy.js';

/** Options for {@link circuitBreaker}. */
export interface CircuitBreakerOptions {
  /** Names the breaker in errors, events, health and metrics. @defaultValue `'circuit-breaker'` */
  name?: string;
  /** When to open. @defaultValue `consecutiveFailures(5)` */
  strategy?: BreakerStrategy;
  /** Counts slow calls as failures (see `slowCall`). @defaultValue none */
  slowCall?: SlowCallConfig;
  /**
   * How long an open breaker waits before letting probes through: a duration, or a
   * backoff whose attempt is the number of opens in a row (so it waits longer
   * each time a probe fails).
   * @defaultValue `10_000` ms
   */
  halfOpenAfter?: Duration | Backoff;
  /** Trial calls let through at once when half-open; all must succeed to close. @defaultValue `1` */
  halfOpenProbes?: number;
  /**
   * Whether an error counts against the dependency.
   * @defaultValue everything except client-side categories (validation, not_found,
   * authentication, authorization, conflict) and cancellations, after `normalizeError`
   */
  isFailure?: (error: unknown) => boolean;
  /** Whether an open breaker makes its health check `fail` rather than `warn`. @defaultValue `false` */
  critical?: boolean;
  /** The source of time. @defaultValue `systemClock` */
  clock?: Clock;
}

/**
 * A circuit breaker policy. It is also a `HealthIndicator` (closed → pass,
 * half-open → warn, open or isolated → warn, or fail when `critical`).
 */
export interface CircuitBreaker extends Policy, HealthIndicator, EventSource<CircuitBreakerEvents> {
  /** The current state (an open breaker whose wait is over reports `half-open`). */
  readonly state: CircuitState;
  /**
   * Holds the breaker open (state `isolated`) until the returned function is
   * called; nested isolations are counted. Released, it closes with fresh statistics.
   */
  isolate(): () => void;
  /** Closes the breaker with fresh statistics (an isolation still in force wins). */
  reset(): void;
}

const CIRCUIT_BREAKER_KEYS = [
  'name',
  'strategy',
  'slowCall',
  'halfOpenAfter',
  'halfOpenProbes',
  'isFailure',
  'critical',
  'clock',
] as const satisfies ReadonlyArray<keyof CircuitBreakerOptions>;

/**
 * Stops calling a failing dependency for a while so it can recover, failing fast
 * with `BrokenCircuitError` instead. Closed, it counts failures with its strategy;
 * open, it rejects at once; after `halfOpenAfter` it lets `halfOpenProbes` trial
 * calls through: all succeeding close it with fresh statistics, any failing
 * reopens it, and one ending in an error that does not count (an abort, a client
 * error) frees its slot for the next call. Client-side errors (validation, not found,
 * auth, conflict) never trip it.
 *
 * @throws ConfigurationError for an unknown strategy, a bad `halfOpenAfter` or `halfOpenProbes`.
 *
 * @example
 * const breaker = circuitBreaker({ strategy: consecutiveFailures(5), halfOpenAfter: '30s' });
 * await breaker.execute(() => callPayments());
 */
export function circuitBreaker(options: CircuitBreakerOptions = {}): CircuitBreaker {
  checkOptions('circuitBreaker', options, CIRCUIT_BREAKER_KEYS, false);
  const name = options.name ?? 'circuit-breaker';
  if (typeof name !== 'string' || name.length === 0)
    throw invalidOption('circuitBreaker.name', name, 'a non-empty string');
  const strategy = checkStrategy(options.strategy ?? consecutiveFailures(5));
  const halfOpenAfter = halfOpenBackoff(options.halfOpenAfter ?? 10_000);
  const probes = integerOption('circuitBreaker.halfOpenProbes', options.halfOpenProbes ?? 1, 1);
  const isFailure = options.isFailure ?? isDependencyFailure;
  if (typeof isFailure !== 'function')
    throw invalidOption('circuitBreaker.isFailure', isFailure, 'a function');
  const critical = options.critical ?? false;
  const clock = options.clock ?? systemClock;
  const events = createEmitter<CircuitBreakerEvents>();
  const step = new BreakerStep(
    name,
    strategy,
    checkSlowCall(options.slowCall),
    halfOpenAfter,
    probes,
    isFailure,
    clock,
    events,
  );

  return policyOf<CircuitBreaker>([step], {
    name: `circuit:${name}`,
    get state(): CircuitState {
      return step.currentState();
    },
    isolate: () => step.isolate(),
    reset: () => step.reset(),
    on(event, listener) {
      const off = events.on(event, listener);
      step.refreshTiming();
      return () => {
        off();
        step.refreshTiming();
      };
    },
    check(): Promise<HealthResult> {
      return Promise.resolve(health(step.currentState(), step.retryAfter(), name, critical));
    },
  });
}

function halfOpenBackoff(value: Duration | Backoff): Backoff {
  if (typeof value === 'object' && value !== null && typeof value.delay === 'function') return value;
  const ms = durationOption('circuitBreaker.halfOpenAfter', value as Duration);
  return { delay: () => ms };
}

function health(
  state: CircuitState,
  retryAfterMs: number | undefined,
  name: string,
  critical: boolean,
): HealthResult {
  if (state === 'closed') return { status: 'pass', output: 'circuit closed', details: { state } };
  if (state === 'half-open') {
    return { status: 'warn', output: 'circuit half-open: probing the dependency', details: { state } };
  }
  const output =
    state === 'isolated'
      ? 'circuit isolated by hand'
      : `circuit open; next probe in ${Math.ceil((retryAfterMs ?? 0) / 1000)} s`;
  return {
    status: critical ? 'fail' : 'warn',
    output,
    details: { state, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
    suggestion:
      state === 'isolated'
        ? `Release the isolation of breaker "${name}" once the dependency is healthy`
        : `Check the dependency behind breaker "${name}"; calls fail fast until it recovers`,
  };
}
