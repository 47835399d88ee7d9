import { type Clock, createEmitter, type Duration, type EventSource, systemClock } from '@ballast/core';
import {
  durationOption,
  integerOption,
  invalidOption,
  numberOption,
  RateLimitedError,
} from '@ballast/errors';
import { invalidArgument } from './internal/argument.js';
import { type Call, policyOf, type Scope, type Step, signalOf } from './internal/call.js';
import { rejected, rejection } from './internal/metrics.js';
import { checkOptions } from './internal/options.js';
import type { Policy } from './policy.js';
import type { RateLimitDecision, RateLimiter } from './rate-limit.js';

/** Events of a {@link TokenBucket}. */
export interface TokenBucketEvents {
  /**
   * `take` (or `execute` in `reject` mode) was refused: `key` lacked `cost` tokens;
   * `retryAfterMs` is when they will be there. Waiting in `wait` mode is not a rejection.
   */
  rejected: { key: string; cost: number; retryAfterMs: number };
}

/** Options for {@link tokenBucket}. */
export interface TokenBucketOptions {
  /** Tokens added every `per`. */
  rate: number;
  /** The refill period. @defaultValue `'1s'` */
  per?: Duration;
  /** The bucket size: the largest burst admitted at once. @defaultValue `rate` */
  burst?: number;
  /**
   * What `execute` does when the bucket is empty: `reject` with `RateLimitedError`
   * (carrying `retryAfterMs`), or `wait` until tokens are available.
   * @defaultValue `'reject'`
   */
  mode?: 'reject' | 'wait';
  /** Keys kept at most; full (idle) buckets are dropped first, then the least recently used. @defaultValue `10_000` */
  maxKeys?: number;
  /** The source of time. @defaultValue `systemClock` */
  clock?: Clock;
}

/** A keyed {@link tokenBucket} limiter; as a policy it takes one token of key `'default'` per call. */
export interface TokenBucket extends Policy, RateLimiter, EventSource<TokenBucketEvents> {
  /**
   * Takes `cost` tokens for `key` now; never waits. A refusal counts as a rejection (event and metric).
   * @throws ValidationError when `cost` is not a number from 0 to the burst (it could never be admitted).
   */
  take(key?: string, cost?: number): RateLimitDecision;
  /**
   * Waits until `cost` tokens of `key` are available, takes them, and resolves the decision.
   * Rejects with `ValidationError` when `cost` is not a number from 0 to the burst.
   */
  wait(key?: string, cost?: number, signal?: AbortSignal): Promise<RateLimitDecision>;
  /** Keys currently tracked. */
  readonly size: number;
}

interface Bucket {
  tokens: number;
  updated: number;
}

const LIMITED = rejection('token_bucket', 'rate_limited');

class TokenBucketStep implements Step {
  readonly kind = 'token_bucket';
  readonly buckets = new Map<string, Bucket>();

  constructor(
    readonly perMs: number,
    readonly burst: number,
    readonly rate: number,
    readonly wait: boolean,
    readonly maxKeys: number,
    readonly clock: Clock,
    readonly events: ReturnType<typeof createEmitter<TokenBucketEvents>>,
  ) {}

  /** Tokens per millisecond. */
  get speed(): number {
    return this.rate / this.perMs;
  }

  /** Takes `cost` tokens for `key`; a refusal is reported as a rejection. */
  take(key: string, cost: number): RateLimitDecision {
    const decision = this.decide(key, cost, 'tokenBucket.take');
    if (!decision.allowed) {
      rejected(LIMITED);
      if (this.events.has('rejected')) {
        this.events.emit('rejected', { key, cost, retryAfterMs: decision.retryAfterMs });
      }
    }
    return decision;
  }

  /** The decision for `key` and `cost`, consuming the tokens when allowed; `call` names the caller in errors. */
  decide(key: string, cost: number, call: string): RateLimitDecision {
    if (!(cost >= 0) || cost > this.burst) {
      throw invalidArgument(call, 'cost', cost, `a number from 0 to the burst (${this.burst})`);
    }
    const now = this.clock.now();
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      bucket = { tokens: this.burst, updated: now };
      this.buckets.set(key, bucket);
      if (this.buckets.size > this.maxKeys) this.evict(now);
    } else {
      bucket.tokens = Math.min(this.burst, bucket.tokens + Math.max(0, now - bucket.updated) * this.speed);
      bucket.updated = now;
      // Re-insert so the map's order is least recently used first.
      this.buckets.delete(key);
      this.buckets.set(key, bucket);
    }
    const allowed = bucket.tokens >= cost;
    if (allowed) bucket.tokens -= cost;
    const missing = this.burst - bucket.tokens;
    return {
      allowed,
      remaining: Math.floor(bucket.tokens),
      limit: this.burst,
      resetMs: Math.ceil(missing / this.speed),
      retryAfterMs: allowed ? 0 : Math.ceil((cost - bucket.tokens) / this.speed),
    };
  }

  evict(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (this.buckets.size <= this.maxKeys) return;
      if (bucket.tokens + (now - bucket.updated) * this.speed >= this.burst) this.buckets.delete(key);
    }
    for (const key of this.buckets.keys()) {
      if (this.buckets.size <= this.maxKeys) return;
      this.buckets.delete(key);
    }
  }

  async waitFor(key: string, cost: number, signal: AbortSignal | undefined): Promise<RateLimitDecision> {
    for (;;) {
      const decision = this.decide(key, cost, 'tokenBucket.wait');
      if (decision.allowed) return decision;
      await this.clock.sleep(decision.retryAfterMs, signal);
    }
  }

  async run(call: Call, index: number, scope: Scope | undefined, attempt: number): Promise<unknown> {
    if (this.wait) await this.waitFor('default', 1, signalOf(scope, call.outer));
    else {
      const decision = this.take('default', 1);
      if (!decision.allowed) {
        throw new RateLimitedError('Rate limit exceeded: the token bucket is empty', {
          retryAfterMs: decision.retryAfterMs,
          details: { limit: decision.limit, retryAfterMs: decision.retryAfterMs },
        });
      }
    }
    return call.next(index, scope, attempt);
  }
}

const TOKEN_BUCKET_KEYS = [
  'rate',
  'per',
  'burst',
  'mode',
  'maxKeys',
  'clock',
] as const satisfies ReadonlyArray<keyof TokenBucketOptions>;

/**
 * A keyed token bucket: each key holds up to `burst` tokens and regains `rate`
 * every `per`. Over any interval `t` a key never admits more than
 * `burst + rate·t/per`. Memory stays bounded: once there are more than `maxKeys`
 * keys, full (idle) buckets go first, then the least recently used ones, which
 * come back full: size `maxKeys` above the number of keys active within one refill
 * period, or the bound holds only per bucket lifetime. Refusals emit `rejected` and count in
 * `ballast.resilience.rejections` (`token_bucket`, `rate_limited`).
 *
 * @throws ConfigurationError for a non-positive rate or burst, a bad period or mode;
 * `take` and `wait` throw `ValidationError` (400) for a cost above the burst.
 *
 * @example
 * const perUser = tokenBucket({ rate: 10, per: '1s', burst: 20 });
 * const decision = perUser.take(userId);
 * if (!decision.allowed) throw new RateLimitedError(undefined, { retryAfterMs: decision.retryAfterMs });
 */
export function tokenBucket(options: TokenBucketOptions): TokenBucket {
  checkOptions('tokenBucket', options, TOKEN_BUCKET_KEYS, true);
  const rate = numberOption('tokenBucket.rate', options?.rate, { min: 0, exclusiveMin: true });
  const perMs = durationOption('tokenBucket.per', options.per ?? '1s');
  if (perMs <= 0) throw invalidOption('tokenBucket.per', options.per, 'a duration greater than 0');
  const burst = numberOption('tokenBucket.burst', options.burst ?? rate, { min: 0, exclusiveMin: true });
  const mode = options.mode ?? 'reject';
  if (mode !== 'reject' && mode !== 'wait')
    throw invalidOption('tokenBucket.mode', mode, "'reject' or 'wait'");
  const maxKeys = integerOption('tokenBucket.maxKeys', options.maxKeys ?? 10_000, 1);
  const events = createEmitter<TokenBucketEvents>();
  const step = new TokenBucketStep(
    perMs,
    burst,
    rate,
    mode === 'wait',
    maxKeys,
    options.clock ?? systemClock,
    events,
  );
  return policyOf<TokenBucket>([step], {
    take: (key = 'default', cost = 1) => step.take(key, cost),
    wait: (key = 'default', cost = 1, signal) => step.waitFor(key, cost, signal),
    get size() {
      return step.buckets.size;
    },
    on: events.on,
  });
}
