/** Where a circuit breaker stands. `isolated` is open by hand until released. */
export type CircuitState = 'closed' | 'open' | 'half-open' | 'isolated';

/** Events of a {@link CircuitBreaker}. */
export interface CircuitBreakerEvents {
  /** The state changed; `error` is the failure that opened it, when one did. */
  stateChange: { from: CircuitState; to: CircuitState; error?: unknown };
  /** A call was rejected without running. */
  rejected: { state: CircuitState; retryAfterMs: number | undefined };
  /** A call succeeded (listening turns on the stopwatch). */
  success: { durationMs: number };
  /** A call failed; `counted` is whether `isFailure` counted it. */
  failure: { error: unknown; durationMs: number; counted: boolean };
}
