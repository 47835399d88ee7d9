export {
  type Backoff,
  constantBackoff,
  type ExponentialBackoffOptions,
  exponentialBackoff,
  type Jitter,
} from './backoff.js';
export {
  type BreakerStrategy,
  type ConsecutiveFailuresStrategy,
  consecutiveFailures,
  type FailureRateOptions,
  type FailureRateStrategy,
  failureRate,
  type SlowCallConfig,
  type SlowCallOptions,
  slowCall,
} from './breaker-strategy.js';
export {
  type CircuitBreaker,
  type CircuitBreakerEvents,
  type CircuitBreakerOptions,
  type CircuitState,
  circuitBreaker,
} from './circuit-breaker.js';
export {
  BrokenCircuitError,
  BulkheadRejectedError,
  isBrokenCircuitError,
  isBulkheadRejectedError,
} from './errors.js';
export { pipeline } from './pipeline.js';
export type { Policy, PolicyContext, Work } from './policy.js';
export { type TimeoutOptions, type TimeoutPolicy, type TimeoutStrategy, timeout } from './timeout.js';
