import {
  circuitBreaker as ballastBreaker,
  timeout as ballastTimeout,
  consecutiveFailures,
  redisRateLimiter,
} from '@ballast/resilience';
import {
  ConsecutiveBreaker,
  circuitBreaker as cockatielBreaker,
  timeout as cockatielTimeout,
  handleAll,
  TimeoutStrategy,
} from 'cockatiel';
import { Redis } from 'ioredis';
import Opossum from 'opossum';
import { ballastPipeline, cockatielPipeline, immediateWork } from '../fixtures.ts';
import { defineSuite } from '../lib.ts';

const work = immediateWork;

const ballastChain = ballastPipeline();
const cockatielChain = cockatielPipeline();
const opossum = new Opossum(work, { timeout: 1_000, errorThresholdPercentage: 50, resetTimeout: 10_000 });

const ballastBreakerOnly = ballastBreaker({ strategy: consecutiveFailures(5), halfOpenAfter: 10_000 });
const cockatielBreakerOnly = cockatielBreaker(handleAll, {
  halfOpenAfter: 10_000,
  breaker: new ConsecutiveBreaker(5),
});
const opossumNoTimeout = new Opossum(work, { timeout: false, resetTimeout: 10_000 });

const ballastTimeoutOnly = ballastTimeout(1_000);
const cockatielTimeoutOnly = cockatielTimeout(1_000, TimeoutStrategy.Aggressive);

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const IN_FLIGHT = 50;
const prefix = `ballast-bench:resilience:${process.pid}:`;
const ROUND_TRIP = 'return {1, 0, 1, 0, 0}';
let redis: Redis | undefined;
let roundTripSha = '';

function redisGroup() {
  const client = (): Redis => {
    redis ??= new Redis(REDIS_URL);
    return redis;
  };
  const limiter = (algorithm: 'sliding-window' | 'gcra') =>
    redisRateLimiter({ client: client(), limits: [{ max: 1_000_000_000, per: '1s' }], prefix, algorithm });
  let ballast: ReturnType<typeof limiter> | undefined;
  let gcra: ReturnType<typeof limiter> | undefined;
  return {
    title: `Redis rate limiter, ${IN_FLIGHT} decisions in flight`,
    perOp: { count: IN_FLIGHT, unit: 'decisions' },
    note: `One op = ${IN_FLIGHT} concurrent decisions. The limit is a raw ioredis EVALSHA of a script that returns at once: one round trip, no limiter work.`,
    goals: [
      {
        label: `Redis rate limiter, ${IN_FLIGHT} decisions in flight, vs a bare EVALSHA round trip`,
        case: 'ballast redisRateLimiter.take (sliding window)',
        vs: 'raw ioredis EVALSHA round trip (limit)',
        atLeast: 0.9,
      },
    ],
    setup: async () => {
      ballast = limiter('sliding-window');
      gcra = limiter('gcra');
      roundTripSha = (await client().script('LOAD', ROUND_TRIP)) as string;
    },
    teardown: async () => {
      const keys = await client().keys(`${prefix}*`);
      if (keys.length > 0) await client().del(...keys);
      await client().quit();
      redis = undefined;
    },
    cases: [
      {
        name: 'ballast redisRateLimiter.take (sliding window)',
        role: 'ballast' as const,
        fn: () => Promise.all(Array.from({ length: IN_FLIGHT }, (_, i) => ballast!.take(`k${i % 10}`))),
      },
      {
        name: 'ballast redisRateLimiter.take (GCRA)',
        role: 'ballast' as const,
        fn: () => Promise.all(Array.from({ length: IN_FLIGHT }, (_, i) => gcra!.take(`k${i % 10}`))),
      },
      {
        name: 'raw ioredis EVALSHA round trip (limit)',
        role: 'baseline' as const,
        fn: () =>
          Promise.all(
            Array.from({ length: IN_FLIGHT }, (_, i) =>
              client().evalsha(roundTripSha, 1, `${prefix}raw${i % 10}`),
            ),
          ),
      },
    ],
  };
}

export default defineSuite({
  id: 'resilience',
  title: '@ballast/resilience policies',
  groups: () => [
    {
      title: 'retry + circuit breaker + timeout around an immediately resolving call',
      note: 'Ballast `pipeline(retry, circuitBreaker, timeout)` vs cockatiel `wrap(retry, circuitBreaker, timeout)` and opossum `fire` with a timeout (opossum has no retry).',
      goals: [
        {
          label: 'resilience pipeline vs cockatiel wrap',
          case: 'ballast pipeline(retry, breaker, timeout)',
          vs: 'cockatiel wrap(retry, breaker, timeout)',
          atLeast: 10,
        },
        {
          label: 'resilience pipeline vs opossum fire',
          case: 'ballast pipeline(retry, breaker, timeout)',
          vs: 'opossum fire (timeout 1 s)',
          atLeast: 1,
        },
      ],
      cases: [
        {
          name: 'ballast pipeline(retry, breaker, timeout)',
          role: 'ballast',
          fn: () => ballastChain.execute(work),
        },
        {
          name: 'cockatiel wrap(retry, breaker, timeout)',
          role: 'peer',
          fn: () => cockatielChain.execute(work),
        },
        { name: 'opossum fire (timeout 1 s)', role: 'peer', fn: () => opossum.fire() },
        { name: 'bare call (limit)', role: 'baseline', fn: work },
      ],
    },
    {
      title: 'circuit breaker alone (closed)',
      goals: [
        {
          label: 'circuit breaker vs cockatiel',
          case: 'ballast circuitBreaker',
          vs: 'cockatiel circuitBreaker',
          atLeast: 1,
        },
      ],
      cases: [
        { name: 'ballast circuitBreaker', role: 'ballast', fn: () => ballastBreakerOnly.execute(work) },
        { name: 'cockatiel circuitBreaker', role: 'peer', fn: () => cockatielBreakerOnly.execute(work) },
        { name: 'opossum fire (no timeout)', role: 'peer', fn: () => opossumNoTimeout.fire() },
        { name: 'bare call (limit)', role: 'baseline', fn: work },
      ],
    },
    {
      title: 'timeout alone (aggressive, 1 s)',
      cases: [
        { name: 'ballast timeout', role: 'ballast', fn: () => ballastTimeoutOnly.execute(work) },
        { name: 'cockatiel timeout', role: 'peer', fn: () => cockatielTimeoutOnly.execute(work) },
        { name: 'bare call (limit)', role: 'baseline', fn: work },
      ],
    },
    redisGroup(),
  ],
});
