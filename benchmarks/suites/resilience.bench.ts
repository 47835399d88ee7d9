import {
  circuitBreaker as ballastBreaker,
  retry as ballastRetry,
  timeout as ballastTimeout,
  consecutiveFailures,
  pipeline,
} from '@ballast/resilience';
import {
  ConsecutiveBreaker,
  circuitBreaker as cockatielBreaker,
  retry as cockatielRetry,
  timeout as cockatielTimeout,
  ExponentialBackoff,
  handleAll,
  TimeoutStrategy,
  wrap,
} from 'cockatiel';
import Opossum from 'opossum';
import { defineSuite } from '../lib.ts';

const work = (): Promise<number> => Promise.resolve(1);

const ballastPipeline = pipeline(
  ballastRetry({ maxAttempts: 3 }),
  ballastBreaker({ strategy: consecutiveFailures(5), halfOpenAfter: 10_000 }),
  ballastTimeout(1_000),
);
const cockatielPipeline = wrap(
  cockatielRetry(handleAll, { maxAttempts: 2, backoff: new ExponentialBackoff() }),
  cockatielBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) }),
  cockatielTimeout(1_000, TimeoutStrategy.Aggressive),
);
const opossum = new Opossum(work, { timeout: 1_000, errorThresholdPercentage: 50, resetTimeout: 10_000 });

const ballastBreakerOnly = ballastBreaker({ strategy: consecutiveFailures(5), halfOpenAfter: 10_000 });
const cockatielBreakerOnly = cockatielBreaker(handleAll, {
  halfOpenAfter: 10_000,
  breaker: new ConsecutiveBreaker(5),
});
const opossumNoTimeout = new Opossum(work, { timeout: false, resetTimeout: 10_000 });

const ballastTimeoutOnly = ballastTimeout(1_000);
const cockatielTimeoutOnly = cockatielTimeout(1_000, TimeoutStrategy.Aggressive);

export default defineSuite({
  id: 'resilience',
  title: '@ballast/resilience policies',
  groups: () => [
    {
      title: 'retry + circuit breaker + timeout around an immediately resolving call',
      note: 'Ballast `pipeline(retry, circuitBreaker, timeout)` vs cockatiel `wrap(retry, circuitBreaker, timeout)` and opossum `fire` with a timeout (opossum has no retry). Goal: ≥ 10× cockatiel, ≥ 1.0× opossum.',
      cases: [
        {
          name: 'ballast pipeline(retry, breaker, timeout)',
          role: 'ballast',
          fn: () => ballastPipeline.execute(work),
        },
        {
          name: 'cockatiel wrap(retry, breaker, timeout)',
          role: 'peer',
          fn: () => cockatielPipeline.execute(work),
        },
        { name: 'opossum fire (timeout 1 s)', role: 'peer', fn: () => opossum.fire() },
        { name: 'bare call (limit)', role: 'baseline', fn: work },
      ],
    },
    {
      title: 'circuit breaker alone (closed)',
      note: 'Goal: ≥ 1.0× cockatiel.',
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
  ],
});
