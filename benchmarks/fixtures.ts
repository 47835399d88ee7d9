// The workloads a suite and the CI gate both measure, written once: the same log line, the
// same pipelines, so a gate ratio and its suite row compare the same thing.
import type { LogSink } from '@ballast/logger';
import { circuitBreaker, consecutiveFailures, pipeline, retry, timeout } from '@ballast/resilience';
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

/** One request-completed line with ten fields, a few nested, two secrets and a JWT. */
export const logFields = {
  reqId: 'req-7f3a9c',
  method: 'POST',
  path: '/api/v1/orders',
  status: 201,
  durationMs: 12.5,
  user: { id: 42, email: 'ada@example.com', password: 'hunter2' },
  headers: {
    authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl',
    'user-agent': 'Mozilla/5.0',
  },
  items: 3,
  cached: false,
  region: 'eu-west-1',
};

/** Work that resolves at once: what a policy adds around it is all there is to measure. */
export const immediateWork = (): Promise<number> => Promise.resolve(1);

/** Ballast `pipeline(retry, circuitBreaker, timeout)` as the README composes it. */
export const ballastPipeline = () =>
  pipeline(
    retry({ maxAttempts: 3 }),
    circuitBreaker({ strategy: consecutiveFailures(5), halfOpenAfter: 10_000 }),
    timeout(1_000),
  );

/** cockatiel's `wrap(retry, circuitBreaker, timeout)` with the same settings. */
export const cockatielPipeline = () =>
  wrap(
    cockatielRetry(handleAll, { maxAttempts: 2, backoff: new ExponentialBackoff() }),
    cockatielBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) }),
    cockatielTimeout(1_000, TimeoutStrategy.Aggressive),
  );

/** Characters the loggers wrote: read at the end, so the work cannot be optimised away. */
export const output = { characters: 0 };

/** A Ballast sink that keeps nothing but the count. */
export const discardSink: LogSink = {
  name: 'discard',
  write(line) {
    output.characters += line.length;
  },
};

/** The same for pino (a destination stream). */
export const pinoDiscard = {
  write(line: string) {
    output.characters += line.length;
  },
};
