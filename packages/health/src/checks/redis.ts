import { type Duration, systemClock } from '@ballast/core';
import { durationOption } from '@ballast/errors';
import { checkMethods, checkOptions, keysOf } from '../internal/options.js';
import type { HealthCheck } from '../types.js';
import { applySettings, type CheckSettings, reason, SETTINGS_KEYS } from './settings.js';

/**
 * The part of a Redis client that {@link redisCheck} uses: an ioredis `Redis` or
 * `Cluster`, a node-redis client, or anything with `ping()`.
 */
export interface RedisPingable {
  /** Sends a PING; the check passes when it resolves in time. */
  ping(): Promise<unknown>;
  /** ioredis's connection state; `'end'`, `'close'` and `'reconnecting'` fail at once. */
  readonly status?: string;
}

/** Options for {@link redisCheck}. */
export interface RedisCheckOptions extends CheckSettings {
  /** A PING slower than this warns. @defaultValue `'100ms'` */
  warnLatency?: Duration;
}

const REDIS_KEYS = keysOf<RedisCheckOptions>({ ...SETTINGS_KEYS, warnLatency: true });
const REDIS_HINTS = { client: "the client is redisCheck's first argument: redisCheck(client, options)" };

const DOWN: ReadonlySet<string> = new Set(['end', 'close', 'reconnecting']);
const SUGGESTION =
  'Check that Redis is running and reachable from this host (address, port, TLS, password, firewall).';

/**
 * Checks Redis with a `PING`, reporting its latency in ms as the observed value
 * (`redis:responseTime`); slower than `warnLatency` warns, an error or a closed
 * connection fails. Takes the client you already have; ioredis is an optional peer.
 *
 * @example createHealth({ checks: [redisCheck(redis, { warnLatency: '50ms' })] })
 * @throws ConfigurationError for a missing client (or one without `ping()`) or a bad warnLatency.
 */
export function redisCheck(client: RedisPingable, options: RedisCheckOptions = {}): HealthCheck {
  checkMethods(
    'redisCheck client',
    client,
    ['ping'],
    'a Redis client with ping(), such as an ioredis Redis or Cluster: redisCheck(redis)',
  );
  checkOptions('redisCheck', options, REDIS_KEYS, REDIS_HINTS);
  const warnMs = durationOption('warnLatency', options.warnLatency ?? '100ms');
  const clock = options.clock ?? systemClock;
  const check: HealthCheck = {
    name: 'redis',
    componentType: 'datastore',
    measurement: 'responseTime',
    observedUnit: 'ms',
    async run() {
      const state = client.status;
      if (state !== undefined && DOWN.has(state)) {
        return { status: 'fail', output: `the Redis connection is ${state}`, suggestion: SUGGESTION };
      }
      const started = clock.now();
      try {
        await client.ping();
      } catch (error) {
        return { status: 'fail', output: `PING failed: ${reason(error)}`, suggestion: SUGGESTION };
      }
      const latency = clock.now() - started;
      if (latency > warnMs) {
        return {
          status: 'warn',
          observedValue: latency,
          output: `PING took ${latency} ms (warns above ${warnMs} ms)`,
          suggestion: 'Look for slow commands (SLOWLOG GET), memory pressure or network latency to Redis.',
        };
      }
      return { status: 'pass', observedValue: latency };
    },
  };
  return applySettings(check, options);
}
