export {
  type AdaptiveLimiter,
  type AdaptiveLimiterEvents,
  type AdaptiveLimiterOptions,
  adaptiveLimiter,
  type QuotaObservation,
} from './adaptive-limiter.js';
export {
  type Backoff,
  constantBackoff,
  type ExponentialBackoffOptions,
  exponentialBackoff,
  type Jitter,
} from './backoff.js';
export {
  type Batcher,
  type BatcherEvents,
  type BatcherOptions,
  type BatchResult,
  batcher,
} from './batcher.js';
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
export { type Bulkhead, type BulkheadEvents, type BulkheadOptions, bulkhead } from './bulkhead.js';
export { type CircuitBreaker, type CircuitBreakerOptions, circuitBreaker } from './circuit-breaker.js';
export type { CircuitBreakerEvents, CircuitState } from './circuit-state.js';
export {
  BrokenCircuitError,
  BulkheadRejectedError,
  isBrokenCircuitError,
  isBulkheadRejectedError,
} from './errors.js';
export {
  type FallbackEvents,
  type FallbackFn,
  type FallbackOptions,
  type FallbackPolicy,
  fallback,
} from './fallback.js';
export { type HedgeEvents, type HedgeOptions, type HedgePolicy, hedge } from './hedge.js';
export { pipeline } from './pipeline.js';
export type { Policy, PolicyContext, Work } from './policy.js';
export { type RateLimitDecision, type RateLimiter, rateLimitHeaders } from './rate-limit.js';
export type { RedisScriptClient } from './redis-client.js';
export {
  type RedisLimit,
  type RedisRateLimiter,
  type RedisRateLimiterEvents,
  type RedisRateLimiterOptions,
  redisRateLimiter,
} from './redis-rate-limiter.js';
export {
  isRetryable,
  type RetryAnnotated,
  type RetryEvents,
  type RetryOptions,
  type RetryPolicy,
  retry,
} from './retry.js';
export { type RetryBudget, type RetryBudgetOptions, retryBudget } from './retry-budget.js';
export {
  type TimeoutEvents,
  type TimeoutOptions,
  type TimeoutPolicy,
  type TimeoutStrategy,
  timeout,
} from './timeout.js';
export {
  type TokenBucket,
  type TokenBucketEvents,
  type TokenBucketOptions,
  tokenBucket,
} from './token-bucket.js';
