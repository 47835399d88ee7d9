/** The outcome of one health check: pass, warn (degraded but serving) or fail. */
export type HealthStatus = 'pass' | 'warn' | 'fail';

/** What a {@link HealthIndicator} reports; the shape maps onto the IETF health+json check format. */
export interface HealthResult {
  /** The verdict. */
  status: HealthStatus;
  /** A short human-readable reason, shown in reports (e.g. `'circuit open for 12 s'`). */
  output?: string;
  /** Structured facts for operators (JSON-safe). */
  details?: Record<string, unknown>;
  /** What a person should do about a warn or fail (shown under "Recommended Actions"). */
  suggestion?: string;
  /** A measured value, e.g. a latency in ms. */
  observedValue?: number | string | boolean;
  /** The unit of `observedValue`, e.g. `'ms'`, `'bytes'`, `'percent'`. */
  observedUnit?: string;
}

/**
 * Anything that can report its own health: a cache's Redis tier, a circuit breaker,
 * a connection pool. `@ballast/health` runs indicators as checks; a host may use any
 * other health library instead.
 */
export interface HealthIndicator {
  /** A stable name, unique within one health registry (e.g. `'cache:redis'`). */
  readonly name: string;
  /** Runs the check; must settle soon after `signal` aborts. */
  check(signal?: AbortSignal): Promise<HealthResult>;
}
