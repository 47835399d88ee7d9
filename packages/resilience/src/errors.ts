import { defineError } from '@ballast/errors';

/**
 * Thrown by an open (or isolated) circuit breaker instead of calling the work.
 * `retryAfterMs` says when the breaker will next let a probe through
 * (`undefined` while it is isolated). Category `unavailable` (503), retryable.
 */
export const BrokenCircuitError = defineError<{ breaker: string; isolated: boolean }>('CIRCUIT_OPEN', {
  name: 'BrokenCircuitError',
  category: 'unavailable',
  message: (d) =>
    d.isolated
      ? `Circuit breaker "${d.breaker}" is isolated; calls are rejected until it is released`
      : `Circuit breaker "${d.breaker}" is open; calls are rejected until it half-opens`,
  suggestions: [
    'Wait for retryAfterMs, then try again',
    'Check the health of the dependency behind this breaker',
  ],
  description:
    'A circuit breaker is open after repeated failures of a dependency, so the call was not attempted.',
});

/**
 * Thrown by a bulkhead whose concurrent slots and queue are full, or when a queued
 * call waited longer than `queueTimeout`. Category `unavailable` (503), retryable.
 */
export const BulkheadRejectedError = defineError<{
  limit: number;
  queue: number;
  reason: 'full' | 'queue_timeout';
}>('BULKHEAD_REJECTED', {
  category: 'unavailable',
  message: (d) =>
    d.reason === 'full'
      ? `Bulkhead is full (${d.limit} running, ${d.queue} queued); the call was rejected`
      : `The call waited too long in the bulkhead queue (limit ${d.limit}); it was rejected`,
  suggestions: ['Retry later', 'Raise the bulkhead limit or queue if the dependency can take more load'],
  description:
    'A bulkhead had no free slot nor queue space, so the call was rejected to protect the dependency.',
});

/** Whether `value` is a {@link BrokenCircuitError}, from any installed copy of this package (by code, not `instanceof`). */
export function isBrokenCircuitError(value: unknown): value is InstanceType<typeof BrokenCircuitError> {
  return BrokenCircuitError.is(value);
}

/** Whether `value` is a {@link BulkheadRejectedError}, from any installed copy of this package. */
export function isBulkheadRejectedError(value: unknown): value is InstanceType<typeof BulkheadRejectedError> {
  return BulkheadRejectedError.is(value);
}
