import { type Clock, createEmitter, type Duration, type EventSource, systemClock } from '@ballast/core';
import { ConfigurationError, durationOption, integerOption, invalidOption } from '@ballast/errors';
import type { Cluster, Redis } from 'ioredis';
import { invalidArgument } from './internal/argument.js';
import { DecisionBatcher } from './internal/decision-batch.js';
import { GCRA_SCRIPT } from './internal/gcra.lua.js';
import { redisOperation, redisSpan, rejected, rejection } from './internal/metrics.js';
import { checkOptions } from './internal/options.js';
import { SLIDING_WINDOW_SCRIPT } from './internal/sliding-window.lua.js';
import type { RateLimitDecision, RateLimiter } from './rate-limit.js';
import type { RedisScriptClient } from './redis-client.js';
import { timeout } from './timeout.js';
import { tokenBucket } from './token-bucket.js';

/** One limit of a {@link redisRateLimiter}: at most `max` units per sliding `per`. */
export interface RedisLimit {
  /** The most requests allowed per window. */
  max: number;
  /** The window: milliseconds or a duration such as `'1m'`. */
  per: Duration;
}

/** Events of a {@link RedisRateLimiter}. */
export interface RedisRateLimiterEvents {
  /** Redis failed; the decision followed `onRedisError` (`local`: the in-process limiter's answer). */
  error: { error: unknown; key: string; allowed: boolean };
}

/** Options for {@link redisRateLimiter}. */
export interface RedisRateLimiterOptions {
  /** An ioredis client or Cluster (each key's counters share a hash tag, so one slot). */
  client: RedisScriptClient;
  /** The limits, all checked and consumed together, e.g. `[{ max: 60, per: '1m' }, { max: 1000, per: '1h' }]`. */
  limits: readonly RedisLimit[];
  /** Prefix of every Redis key. @defaultValue `'ballast:ratelimit:'` */
  prefix?: string;
  /**
   * `sliding-window`: an exact log, never more than `max` in any window of `per`
   * (memory grows with `max`). `gcra`: one number per limit, a burst of `max` then
   * one unit every `per / max` (constant memory per key; over any interval `t` it admits at most
   * `max + max·t/per`).
   * @defaultValue `'sliding-window'`
   */
  algorithm?: 'sliding-window' | 'gcra';
  /**
   * The decision when Redis fails or does not answer within `timeout`:
   * - `local` (the default): an in-process limiter takes over, admitting this process's
   *   share of each limit, `floor(max / expectedInstances)` (at least 1) per `per`, per key.
   *   Over an outage of length `t` one process admits at most `share·(1 + t/per)` per key,
   *   so all instances together stay near `max` instead of admitting everyone or no one.
   * - `allow`: fail open, every call is admitted (unbounded while Redis is down).
   * - `deny`: fail closed, every call is refused.
   * @defaultValue `'local'`
   */
  onRedisError?: 'local' | 'allow' | 'deny';
  /**
   * With `onRedisError: 'local'`: how many processes share these limits, so each admits
   * `max / expectedInstances` while Redis is unavailable. Set it to the replica count.
   * @defaultValue `1`
   */
  expectedInstances?: number;
  /**
   * How long a decision may wait for Redis before it follows `onRedisError`: a Redis that
   * stops answering (a network black hole, a stalled server) must not hold every request.
   * A call that times out may still be counted by Redis when the reply arrives late.
   * `false` waits as long as the client does (ioredis `commandTimeout`).
   * @defaultValue `'1s'`
   */
  timeout?: Duration | false;
  /** Schedules the `timeout` (decisions themselves use Redis's clock). @defaultValue `systemClock` */
  clock?: Clock;
}

/** A distributed limiter over Redis; see {@link redisRateLimiter}. */
export interface RedisRateLimiter extends RateLimiter, EventSource<RedisRateLimiterEvents> {
  /**
   * Takes `cost` units for `key` under every limit, atomically.
   * Rejects with `ValidationError` for an empty `key` or a `cost` that is not a whole
   * number from 0 to the smallest limit's `max` (no number of waits could admit it).
   */
  take(key: string, cost?: number): Promise<RateLimitDecision>;
}

/**
 * `node:crypto`, loaded when a limiter is created rather than imported, so this package
 * bundles for a browser or an edge runtime (a Redis limiter itself runs only where ioredis does).
 */
function nodeCrypto(): typeof import('node:crypto') {
  const crypto = globalThis.process?.getBuiltinModule?.('node:crypto');
  if (crypto === undefined) {
    throw new ConfigurationError('redisRateLimiter needs node:crypto, which this runtime lacks.', {
      suggestions: ['Run the Redis limiter on Node, Bun or Deno, where ioredis runs.'],
    });
  }
  return crypto;
}
const SCRIPTS = { 'sliding-window': SLIDING_WINDOW_SCRIPT, gcra: GCRA_SCRIPT } as const;

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.includes('NOSCRIPT');
}

const REDIS_RATE_LIMITER_KEYS = [
  'client',
  'limits',
  'prefix',
  'algorithm',
  'onRedisError',
  'expectedInstances',
  'timeout',
  'clock',
] as const satisfies ReadonlyArray<keyof RedisRateLimiterOptions>;

/**
 * A rate limiter shared by every process that uses the same Redis: an exact
 * sliding window per limit, kept by one Lua script (loaded once, then run with
 * EVALSHA) that checks every limit and consumes from all of them atomically, so
 * no number of concurrent processes ever admits more than `max` in any window.
 * Decisions use Redis's clock, so client clock skew does not matter.
 *
 * Redis failing or not answering within `timeout` never fails the call: the decision
 * follows `onRedisError` and an `error` event says why. By default an in-process limiter
 * (a token bucket per limit: burst and rate `floor(max / expectedInstances)` per `per`)
 * decides meanwhile, like rate-limiter-flexible's `insuranceLimiter`; a call refused by any
 * of its limits may still have used tokens of the others (it errs towards refusing).
 *
 * @throws ConfigurationError for a missing client, no limits, a bad `max`/`per`, `timeout`
 * or `expectedInstances`;
 * `take` rejects with `ValidationError` (400) for a bad key or cost.
 *
 * @example
 * const limiter = redisRateLimiter({ client: redis, limits: [{ max: 60, per: '1m' }, { max: 1000, per: '1h' }] });
 * const decision = await limiter.take(`ip:${req.socket.remoteAddress}`);
 * res.writeHead(decision.allowed ? 200 : 429, rateLimitHeaders(decision));
 */
export function redisRateLimiter(options: RedisRateLimiterOptions): RedisRateLimiter {
  checkOptions('redisRateLimiter', options, REDIS_RATE_LIMITER_KEYS, true);
  const given: unknown = options?.client;
  if (typeof (given as { evalsha?: unknown } | undefined)?.evalsha !== 'function') {
    throw invalidOption('redisRateLimiter.client', given, 'an ioredis Redis or Cluster client');
  }
  const client = given as Redis | Cluster;
  if (!Array.isArray(options.limits) || options.limits.length === 0) {
    throw invalidOption('redisRateLimiter.limits', options.limits, 'a non-empty array of { max, per }');
  }
  const limits = options.limits.map((limit, i) => {
    checkOptions(`redisRateLimiter.limits[${i}]`, limit, ['max', 'per'], true);
    return {
      max: integerOption(`redisRateLimiter.limits[${i}].max`, limit?.max, 1),
      per: durationOption(`redisRateLimiter.limits[${i}].per`, limit?.per),
    };
  });
  limits.forEach((limit, i) => {
    if (limit.per < 1) throw invalidOption(`redisRateLimiter.limits[${i}].per`, limit.per, 'at least 1 ms');
  });
  const prefix = options.prefix ?? 'ballast:ratelimit:';
  const onError = options.onRedisError ?? 'local';
  if (onError !== 'local' && onError !== 'allow' && onError !== 'deny') {
    throw invalidOption('redisRateLimiter.onRedisError', onError, "'local', 'allow' or 'deny'");
  }
  const instances = integerOption('redisRateLimiter.expectedInstances', options.expectedInstances ?? 1, 1);
  const algorithm = options.algorithm ?? 'sliding-window';
  if (algorithm !== 'sliding-window' && algorithm !== 'gcra') {
    throw invalidOption('redisRateLimiter.algorithm', algorithm, "'sliding-window' or 'gcra'");
  }
  const timeoutMs =
    options.timeout === false ? 0 : durationOption('redisRateLimiter.timeout', options.timeout ?? '1s');
  if (options.timeout !== false && timeoutMs < 1) {
    throw invalidOption(
      'redisRateLimiter.timeout',
      options.timeout,
      'at least 1 ms, or false for no timeout',
    );
  }
  const clock = options.clock ?? systemClock;
  // One aggressive timeout policy: a shared timer, a TimeoutError and the usual timeout telemetry.
  const deadline = timeoutMs === 0 ? undefined : timeout(timeoutMs, { clock });
  const insurance = onError === 'local' ? localShare(limits, instances, clock) : undefined;
  const crypto = nodeCrypto();
  const script = SCRIPTS[algorithm];
  const sha = crypto.createHash('sha1').update(script).digest('hex');
  const events = createEmitter<RedisRateLimiterEvents>();
  const limitArgs: string[] = [String(limits.length)];
  for (const limit of limits) limitArgs.push(String(limit.max), String(limit.per));
  const tag = algorithm === 'gcra' ? ':gcra' : '';
  const suffixes = limits.map((limit) => `${tag}:${limit.max}:${limit.per}`);
  const tightest = limits.reduce((a, b) => (b.max < a.max ? b : a));
  // Sorted-set members must be unique per call across every process: an instance id plus a counter.
  const instance = crypto.randomBytes(6).toString('base64url');
  let sequence = 0;

  const keysOf = (key: string): string[] => {
    const base = `${prefix}{${key}}`;
    return suffixes.map((suffix) => base + suffix);
  };

  const LIMITED = rejection('redis_rate_limiter', 'rate_limited');
  const REDIS_DOWN = rejection('redis_rate_limiter', 'redis_error');

  /** One call's decision, from the 5 numbers of the script's reply at `at`. */
  const decide = (reply: number[], at: number): RateLimitDecision => {
    const allowed = reply[at] === 1;
    const retry = reply[at + 4]!;
    if (!allowed) rejected(LIMITED);
    return {
      allowed,
      remaining: reply[at + 1]!,
      limit: reply[at + 2]!,
      resetMs: Math.max(0, reply[at + 3]!),
      retryAfterMs: retry < 0 ? Number.POSITIVE_INFINITY : retry,
    };
  };
  // One script run per tick decides every call made in it (per key on Redis Cluster,
  // where a script may only touch one slot).
  const cluster = typeof (client as { nodes?: unknown }).nodes === 'function';
  const send = async (keys: string[], argv: string[]): Promise<unknown> => {
    try {
      return await client.evalsha(sha, keys.length, ...keys, ...argv);
    } catch (error) {
      if (!isNoScript(error)) throw error;
      redisOperation('EVAL');
      return await client.eval(script, keys.length, ...keys, ...argv);
    }
  };
  const batcher = new DecisionBatcher({ limits: limitArgs, byKey: cluster, keysOf, send, read: decide });

  return {
    async take(key, cost = 1) {
      if (typeof key !== 'string' || key.length === 0)
        throw invalidArgument('redisRateLimiter.take', 'key', key, 'a non-empty string');
      if (!Number.isInteger(cost) || cost < 0 || cost > tightest.max) {
        throw invalidArgument(
          'redisRateLimiter.take',
          'cost',
          cost,
          `a whole number from 0 to ${tightest.max} (the smallest limit's max)`,
        );
      }
      let nonce = '';
      if (algorithm === 'sliding-window') {
        sequence = (sequence + 1) % Number.MAX_SAFE_INTEGER;
        nonce = `${instance}:${sequence}`;
      }
      const run = (): Promise<RateLimitDecision> => batcher.decide(key, cost, nonce);
      try {
        const traced = (): Promise<RateLimitDecision> => redisSpan(run);
        return await (deadline === undefined ? traced() : deadline.execute(traced));
      } catch (error) {
        const decision: RateLimitDecision =
          insurance === undefined
            ? {
                allowed: onError === 'allow',
                remaining: onError === 'allow' ? tightest.max : 0,
                limit: tightest.max,
                resetMs: 0,
                retryAfterMs: onError === 'allow' ? 0 : tightest.per,
              }
            : insurance(key, cost);
        if (!decision.allowed) rejected(REDIS_DOWN);
        if (events.has('error')) events.emit('error', { error, key, allowed: decision.allowed });
        return decision;
      }
    },
    on: events.on,
  };
}

/**
 * The insurance limiter: one token bucket per limit holding this process's share of it,
 * consulted only while Redis is unavailable. Answers the first refusal (later buckets are
 * not charged) or the decision with the fewest units remaining.
 */
function localShare(
  limits: ReadonlyArray<{ max: number; per: number }>,
  instances: number,
  clock: Clock,
): (key: string, cost: number) => RateLimitDecision {
  const shares = limits.map((limit) => Math.max(1, Math.floor(limit.max / instances)));
  const buckets = limits.map((limit, i) =>
    tokenBucket({ rate: shares[i]!, per: limit.per, burst: shares[i]!, clock }),
  );
  return (key, cost) => {
    let tightest: RateLimitDecision | undefined;
    for (let i = 0; i < buckets.length; i++) {
      const share = shares[i]!;
      // A cost above this process's share can never pass locally.
      const decision =
        cost > share
          ? { allowed: false, remaining: 0, limit: share, resetMs: 0, retryAfterMs: limits[i]!.per }
          : buckets[i]!.take(key, cost);
      if (!decision.allowed) return decision;
      if (tightest === undefined || decision.remaining < tightest.remaining) tightest = decision;
    }
    return tightest!;
  };
}
