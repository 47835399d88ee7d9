import { createTelemetry } from '@ballast/core';

/** Bucket boundaries (seconds) for the durations of calls through a policy. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/**
 * Every span, span event and metric of `@ballast/resilience`: the instruments are created
 * from these definitions and `docs/telemetry.md` is generated from them.
 */
export const telemetry = createTelemetry({
  package: 'resilience',
  attributes: {
    'ballast.resilience.policy':
      'The policy: retry, circuit_breaker, timeout, bulkhead, token_bucket, redis_rate_limiter, fallback, hedge, batcher, adaptive_limiter.',
    'ballast.resilience.reason': 'Why a call was refused or answered for (rejections, fallbacks, hedges).',
    'ballast.resilience.breaker': 'The circuit breaker name (`name` option).',
    'ballast.resilience.breaker.state': 'A circuit breaker state: closed, open, half-open, isolated.',
    'ballast.resilience.limiter': 'The adaptive limiter name (`name` option).',
    'ballast.resilience.batcher': 'The batcher name (`name` option).',
    'ballast.resilience.result': 'How a batch run ended: ok or error.',
    'ballast.resilience.winner': 'Which attempt of a hedged call succeeded: first or hedge.',
    'ballast.resilience.pipeline':
      'The policies a call goes through, outermost first (`retry > circuit_breaker > timeout`; `custom` for a policy of your own).',
    'ballast.resilience.attempt': 'The attempt number, from 1.',
    'ballast.resilience.delay': 'The wait before the next attempt, in seconds.',
    'ballast.resilience.timeout': 'The timeout that expired, in seconds.',
    'ballast.resilience.previous_state': 'The circuit breaker state before a transition.',
    'error.type': 'The error code (Ballast errors, Node system errors) or class name of a failure.',
    'db.system.name': 'The database: `redis`.',
    'db.operation.name': 'The Redis command: `EVALSHA`, or `EVAL` when the script was not loaded yet.',
  },
  spans: [
    {
      name: 'resilience.execute',
      kind: 'internal',
      description:
        'One `execute` of a pipeline or of a policy used alone, from the call to its settlement. Active: the work runs inside it, so its spans are children.',
      attributes: ['ballast.resilience.pipeline', 'error.type'],
      events: [
        'resilience.attempt',
        'resilience.retry',
        'resilience.rejected',
        'resilience.breaker.state_change',
        'resilience.timeout',
      ],
    },
    {
      name: 'resilience.redis_rate_limiter.take',
      kind: 'client',
      description: 'One round trip of the Redis rate limiter (the limit script).',
      attributes: ['db.system.name', 'db.operation.name', 'error.type'],
    },
  ],
  events: [
    {
      name: 'resilience.attempt',
      description: 'The work starts, once per attempt.',
      attributes: ['ballast.resilience.attempt'],
    },
    {
      name: 'resilience.retry',
      description: 'An attempt failed and a retry is scheduled after a delay.',
      attributes: ['ballast.resilience.attempt', 'ballast.resilience.delay', 'error.type'],
    },
    {
      name: 'resilience.rejected',
      description:
        'A policy refused the call: an open breaker, a full bulkhead or queue timeout, a rate limit.',
      attributes: ['ballast.resilience.policy', 'ballast.resilience.reason'],
    },
    {
      name: 'resilience.breaker.state_change',
      description: 'A circuit breaker changed state while this call ran.',
      attributes: [
        'ballast.resilience.breaker',
        'ballast.resilience.previous_state',
        'ballast.resilience.breaker.state',
      ],
    },
    {
      name: 'resilience.timeout',
      description: 'A timeout policy expired and aborted the work.',
      attributes: ['ballast.resilience.timeout'],
    },
  ],
  metrics: {
    duration: {
      name: 'ballast.resilience.execute.duration',
      kind: 'histogram',
      unit: 's',
      description: 'How long each execute of a pipeline or policy took, until it settled.',
      attributes: ['error.type'],
      buckets: DURATION_BUCKETS,
    },
    attempts: {
      name: 'ballast.resilience.attempts',
      kind: 'counter',
      unit: '{attempt}',
      description: 'Attempts made by retry policies (first attempts included).',
      attributes: ['ballast.resilience.policy'],
    },
    retries: {
      name: 'ballast.resilience.retries',
      kind: 'counter',
      unit: '{retry}',
      description: 'Retries scheduled by retry policies.',
      attributes: ['ballast.resilience.policy'],
    },
    rejections: {
      name: 'ballast.resilience.rejections',
      kind: 'counter',
      unit: '{call}',
      description: 'Calls refused by a policy, by policy and reason.',
      attributes: ['ballast.resilience.policy', 'ballast.resilience.reason', 'ballast.resilience.breaker'],
    },
    fallbacks: {
      name: 'ballast.resilience.fallbacks',
      kind: 'counter',
      unit: '{call}',
      description: 'Failures a fallback policy answered for, by error category.',
      attributes: ['ballast.resilience.policy', 'ballast.resilience.reason'],
    },
    hedges: {
      name: 'ballast.resilience.hedges',
      kind: 'counter',
      unit: '{attempt}',
      description: 'Hedged attempts started, after the delay or a failure.',
      attributes: ['ballast.resilience.policy', 'ballast.resilience.reason'],
    },
    hedgeWins: {
      name: 'ballast.resilience.hedge.wins',
      kind: 'counter',
      unit: '{call}',
      description: 'Successful calls that started hedged attempts, by the attempt that won.',
      attributes: ['ballast.resilience.policy', 'ballast.resilience.winner'],
    },
    batchSize: {
      name: 'ballast.resilience.batch.size',
      kind: 'histogram',
      unit: '{key}',
      description: 'Keys per batch run by a batcher.',
      attributes: ['ballast.resilience.policy', 'ballast.resilience.batcher', 'ballast.resilience.result'],
      buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000],
    },
    batchDuration: {
      name: 'ballast.resilience.batch.duration',
      kind: 'histogram',
      unit: 's',
      description: 'How long each batch run took.',
      attributes: ['ballast.resilience.policy', 'ballast.resilience.batcher', 'ballast.resilience.result'],
      buckets: DURATION_BUCKETS,
    },
    breakerState: {
      name: 'ballast.resilience.breaker.state',
      kind: 'gauge',
      unit: '{state}',
      description: 'Circuit breaker state: 1 for the current state, 0 for the others, one series per state.',
      attributes: ['ballast.resilience.breaker', 'ballast.resilience.breaker.state'],
    },
    adaptiveLimit: {
      name: 'ballast.resilience.adaptive.limit',
      kind: 'gauge',
      unit: '{call}',
      description: 'The current concurrency limit of an adaptive limiter.',
      attributes: ['ballast.resilience.policy', 'ballast.resilience.limiter'],
    },
  },
});
