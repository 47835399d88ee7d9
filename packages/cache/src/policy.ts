import type { Duration } from '@ballast/core';
import { durationOption, invalidOption, numberOption } from '@ballast/errors';
import type { AdaptiveRange } from './ttl.js';

/**
 * How long entries live and how the cache protects callers, set on the cache, per
 * namespace (`policies`) or per call.
 */
export interface CachePolicy {
  /**
   * How long a value stays fresh.
   * @defaultValue '5m'
   */
  ttl?: Duration;
  /**
   * How long after `ttl` an entry is kept as stale, to be served when the factory fails
   * or is slow (fail-safe).
   * @defaultValue 0 (no stale serving)
   */
  grace?: Duration;
  /**
   * Spreads each TTL by ± this fraction (in [0, 1)) so entries written together do not
   * expire together.
   * @defaultValue 0
   */
  jitter?: number;
  /**
   * Adaptive TTL: a refresh that returns an unchanged value doubles the entry's TTL up to
   * `max`; a changed value resets it to `min`. Replaces `ttl` for values from a factory.
   * It compares with the previous entry, so give the policy a `grace` (or `earlyRefresh`):
   * without either, an expired entry is gone and every load starts again at `min`.
   * @defaultValue off
   */
  adaptiveTtl?: { min: Duration; max: Duration };
  /**
   * Refresh-ahead: a hit after this fraction (in (0, 1]) of the TTL refreshes the value in
   * the background, so hot keys never go stale.
   * @defaultValue off
   */
  earlyRefresh?: number;
  /**
   * Factory time limits. Past `soft`, a caller with a stale value at hand gets it and the
   * factory finishes in the background; past `hard`, the factory is aborted. Each is a
   * duration above zero.
   * @defaultValue no limits
   */
  timeouts?: { soft?: Duration; hard?: Duration };
  /**
   * After the factory fails and a stale value is served, the stale value is held in L1
   * as fresh for this long (never past its grace), so a failing source is retried at
   * most once per `retryAfter` per key instead of on every request. `0` retries on the
   * next request.
   * @defaultValue '1s'
   */
  retryAfter?: Duration;
}

/** A policy with every value resolved to milliseconds. */
export interface ResolvedPolicy {
  readonly ttl: number;
  readonly grace: number;
  readonly jitter: number;
  readonly adaptiveTtl: AdaptiveRange | undefined;
  readonly earlyRefresh: number | undefined;
  readonly soft: number | undefined;
  readonly hard: number | undefined;
  readonly retryAfter: number;
}

/** The cache-wide defaults. */
export const DEFAULT_POLICY: ResolvedPolicy = {
  ttl: 300_000,
  grace: 0,
  jitter: 0,
  adaptiveTtl: undefined,
  earlyRefresh: undefined,
  soft: undefined,
  hard: undefined,
  retryAfter: 1_000,
};

/** A factory time limit: a duration above zero (a limit of 0 would fail every factory). */
function timeLimit(option: string, value: Duration): number {
  const ms = durationOption(option, value);
  if (ms === 0) throw invalidOption(option, value, 'a duration > 0, or no limit (leave it out)');
  return ms;
}

/**
 * Lays `policy` over `base`, validating every value given. A bare duration is a TTL.
 * @throws ConfigurationError naming `where` and the bad option.
 */
export function resolvePolicy(
  base: ResolvedPolicy,
  policy: CachePolicy | Duration | undefined,
  where: string,
): ResolvedPolicy {
  if (policy === undefined) return base;
  if (typeof policy === 'number' || typeof policy === 'string') {
    return { ...base, ttl: durationOption(`${where}.ttl`, policy) };
  }
  if (typeof policy !== 'object' || policy === null) {
    throw invalidOption(where, policy, 'a policy object or a duration');
  }
  let adaptiveTtl = base.adaptiveTtl;
  if (policy.adaptiveTtl !== undefined) {
    const min = durationOption(`${where}.adaptiveTtl.min`, policy.adaptiveTtl.min);
    const max = durationOption(`${where}.adaptiveTtl.max`, policy.adaptiveTtl.max);
    if (min < 1 || max < min) {
      throw invalidOption(`${where}.adaptiveTtl`, policy.adaptiveTtl, 'min ≥ 1ms and max ≥ min');
    }
    adaptiveTtl = { min, max };
  }
  const timeouts = policy.timeouts;
  if (timeouts !== undefined && (typeof timeouts !== 'object' || timeouts === null)) {
    throw invalidOption(`${where}.timeouts`, timeouts, "an object such as { soft: '100ms', hard: '2s' }");
  }
  const soft = timeouts?.soft === undefined ? base.soft : timeLimit(`${where}.timeouts.soft`, timeouts.soft);
  const hard = timeouts?.hard === undefined ? base.hard : timeLimit(`${where}.timeouts.hard`, timeouts.hard);
  if (soft !== undefined && hard !== undefined && hard < soft) {
    throw invalidOption(`${where}.timeouts`, timeouts, 'hard ≥ soft');
  }
  return {
    ttl: policy.ttl === undefined ? base.ttl : durationOption(`${where}.ttl`, policy.ttl),
    grace: policy.grace === undefined ? base.grace : durationOption(`${where}.grace`, policy.grace),
    jitter:
      policy.jitter === undefined
        ? base.jitter
        : numberOption(`${where}.jitter`, policy.jitter, { min: 0, max: 0.99 }),
    adaptiveTtl,
    earlyRefresh:
      policy.earlyRefresh === undefined
        ? base.earlyRefresh
        : numberOption(`${where}.earlyRefresh`, policy.earlyRefresh, { min: 0, max: 1, exclusiveMin: true }),
    soft,
    hard,
    retryAfter:
      policy.retryAfter === undefined
        ? base.retryAfter
        : durationOption(`${where}.retryAfter`, policy.retryAfter),
  };
}
