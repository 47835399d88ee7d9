import { ManualClock } from '@ballast/core/testing';
import { ConfigurationError } from '@ballast/errors';
import { describe, expect, it } from 'vitest';
import {
  adaptiveLimiter,
  batcher,
  bulkhead,
  circuitBreaker,
  exponentialBackoff,
  failureRate,
  fallback,
  hedge,
  redisRateLimiter,
  retry,
  retryBudget,
  slowCall,
  timeout,
  tokenBucket,
} from '../src/index.js';

/** A stand-in with the one method redisRateLimiter checks first; no Redis is reached. */
const client = { evalsha: () => Promise.resolve(null) } as never;
const run = (keys: readonly number[]) => Promise.resolve(keys.map(String));

/** Each factory, given valid options plus `extra`. */
const factories: Array<[string, (extra: Record<string, unknown>) => unknown]> = [
  ['adaptiveLimiter', (extra) => adaptiveLimiter({ ...extra })],
  ['exponentialBackoff', (extra) => exponentialBackoff({ ...extra })],
  ['batcher', (extra) => batcher({ run, ...extra })],
  ['bulkhead', (extra) => bulkhead({ limit: 1, ...extra })],
  ['circuitBreaker', (extra) => circuitBreaker({ ...extra })],
  ['failureRate', (extra) => failureRate({ ...extra })],
  ['slowCall', (extra) => slowCall({ duration: 10, ...extra })],
  ['fallback', (extra) => fallback(0, { ...extra })],
  ['hedge', (extra) => hedge({ delay: 10, ...extra })],
  ['redisRateLimiter', (extra) => redisRateLimiter({ client, limits: [{ max: 1, per: '1s' }], ...extra })],
  ['retryBudget', (extra) => retryBudget({ ...extra })],
  ['retry', (extra) => retry({ ...extra })],
  ['timeout', (extra) => timeout(10, { ...extra })],
  ['tokenBucket', (extra) => tokenBucket({ rate: 1, ...extra })],
];

const withClock = new Set([
  'adaptiveLimiter',
  'batcher',
  'bulkhead',
  'circuitBreaker',
  'hedge',
  'redisRateLimiter',
  'retryBudget',
  'retry',
  'timeout',
  'tokenBucket',
]);

describe('factory options', () => {
  it.each(factories)('%s accepts its valid options', (_name, make) => {
    expect(() => make({})).not.toThrow();
  });

  it.each(factories)('%s rejects an unknown option, naming it', (name, make) => {
    const attempt = () => make({ maxAtempts: 3 });
    expect(attempt).toThrow(ConfigurationError);
    expect(attempt).toThrow(`Unknown option ${name}.maxAtempts`);
  });

  it.each(factories.filter(([name]) => withClock.has(name)))(
    '%s rejects a clock without the Clock methods, naming the missing one',
    (name, make) => {
      expect(() => make({ clock: new ManualClock() })).not.toThrow();
      expect(() => make({ clock: { now: () => 0 } })).toThrow(
        new RegExp(`^Invalid option ${name}\\.clock: .*this one has no setTimeout\\(\\)`),
      );
    },
  );

  it('suggests the option that was meant', () => {
    expect(() => retry({ maxAttempt: 5 } as never)).toThrow(
      /retry\.maxAttempt \(did you mean maxAttempts\?\)/,
    );
    expect(() => circuitBreaker({ halfOpenProbe: 3 } as never)).toThrow(/did you mean halfOpenProbes\?/);
    expect(() => bulkhead({ limit: 1, queu: 3 } as never)).toThrow(/did you mean queue\?/);
  });

  it('rejects options that are not an object, and a missing object where one is required', () => {
    expect(() => retry(5 as never)).toThrow(
      /^Invalid option retry: got 5; expected an options object: \{ maxAttempts/,
    );
    expect(() => bulkhead(undefined as never)).toThrow(/^Invalid option bulkhead: got undefined/);
    expect(() => retry([] as never)).toThrow(ConfigurationError);
  });

  it('rejects an unknown key in a redisRateLimiter limit', () => {
    expect(() =>
      redisRateLimiter({ client, limits: [{ max: 1, per: '1s', window: '1m' } as never] }),
    ).toThrow(/^Unknown option redisRateLimiter\.limits\[0\]\.window/);
  });

  it('rejects a retry budget that is not one', () => {
    expect(() => retry({ budget: {} as never })).toThrow(/^Invalid option retry\.budget: .*retryBudget\(/);
    expect(() => retry({ budget: retryBudget() })).not.toThrow();
  });
});
