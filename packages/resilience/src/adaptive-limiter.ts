import { abortReason, type Clock, createEmitter, type EventSource, systemClock } from '@ballast/core';
import { integerOption, invalidOption, normalizeError, numberOption } from '@ballast/errors';
import type { Attributes, ObservableResult } from '@opentelemetry/api';
import { type Call, policyOf, type Scope, type Step, signalOf } from './internal/call.js';
import { checkOptions } from './internal/options.js';
import type { Policy } from './policy.js';
import { telemetry } from './telemetry.js';

/** Events of an {@link AdaptiveLimiter}. */
export interface AdaptiveLimiterEvents {
  /** The concurrency limit changed. */
  limit: { limit: number; reason: 'increase' | 'decrease' };
  /**
   * Calls are held for `ms`: a `Retry-After` (from an error's `retryAfterMs` or fed to
   * `observe`) or an exhausted `quota` until its reset. Emitted only when the pause grows.
   */
  pause: { ms: number; reason: 'retry_after' | 'quota' };
}

/** Options for {@link adaptiveLimiter}. */
export interface AdaptiveLimiterOptions {
  /** Names the limiter in metrics (`ballast.resilience.limiter`). @defaultValue `'adaptive-limiter'` */
  name?: string;
  /** The lowest concurrency limit. @defaultValue `1` */
  min?: number;
  /** The highest concurrency limit. @defaultValue `100` */
  max?: number;
  /** The starting limit. @defaultValue `min` */
  initial?: number;
  /** The factor applied on overload, in (0, 1). @defaultValue `0.5` */
  decrease?: number;
  /**
   * Whether an error means "slow down".
   * @defaultValue after `normalizeError`: rate-limited (429) and timeout errors, and 503s
   */
  isOverload?: (error: unknown) => boolean;
  /** The source of time. @defaultValue `systemClock` */
  clock?: Clock;
}

/** Quota facts from a response, fed to {@link AdaptiveLimiter.observe}. */
export interface QuotaObservation {
  /** Calls left in the current window (`RateLimit-Remaining`). */
  remaining?: number;
  /** Milliseconds until the window resets (`RateLimit-Reset`). */
  resetMs?: number;
  /** Milliseconds to wait before calling again (`Retry-After`). */
  retryAfterMs?: number;
}

/** An {@link adaptiveLimiter} policy. */
export interface AdaptiveLimiter extends Policy, EventSource<AdaptiveLimiterEvents> {
  /** The current concurrency limit. */
  readonly limit: number;
  /** Calls running now. */
  readonly active: number;
  /** Feeds quota facts from a response (e.g. parsed rate-limit headers): pauses until reset when exhausted. */
  observe(quota: QuotaObservation): void;
  /** Feeds raw response headers (`RateLimit-Remaining`, `RateLimit-Reset`, `Retry-After`, or `X-RateLimit-*`). */
  observeHeaders(headers: Record<string, string | string[] | undefined> | Headers): void;
}

function defaultOverload(error: unknown): boolean {
  const { category, status } = normalizeError(error);
  return category === 'rate_limited' || category === 'timeout' || status === 503;
}

/** Reports the limiter's current limit. */
function reportLimit(step: AdaptiveStep, result: ObservableResult): void {
  result.observe(Math.floor(step.limit), step.limitAttributes);
}

class AdaptiveStep implements Step {
  readonly kind = 'adaptive_limiter';
  /** The gauge attributes, set by {@link AdaptiveStep.observeLimit}. */
  limitAttributes: Attributes = {};
  limit: number;
  active = 0;
  pausedUntil = 0;
  readonly waiting: Array<() => void> = [];

  constructor(
    readonly min: number,
    readonly max: number,
    initial: number,
    readonly decrease: number,
    readonly isOverload: (error: unknown) => boolean,
    readonly clock: Clock,
    readonly events: ReturnType<typeof createEmitter<AdaptiveLimiterEvents>>,
  ) {
    this.limit = initial;
  }

  /** Reports the current limit as the gauge `ballast.resilience.adaptive.limit` when an SDK is registered. */
  observeLimit(name: string): void {
    this.limitAttributes = Object.freeze({
      'ballast.resilience.policy': 'adaptive_limiter',
      'ballast.resilience.limiter': name,
    });
    telemetry.observe('adaptiveLimit', this, reportLimit);
  }

  async run(call: Call, index: number, scope: Scope | undefined, attempt: number): Promise<unknown> {
    if (this.active >= Math.floor(this.limit) || this.clock.now() < this.pausedUntil) {
      await this.admit(signalOf(scope, call.outer));
    }
    this.active++;
    try {
      const value = await call.next(index, scope, attempt);
      this.grow();
      return value;
    } catch (error) {
      if (this.isOverload(error)) {
        const hinted = (error as { retryAfterMs?: unknown } | null)?.retryAfterMs;
        if (typeof hinted === 'number' && hinted > 0) this.pause(hinted, 'retry_after');
        this.shrink();
      }
      throw error;
    } finally {
      this.active--;
      this.wake();
    }
  }

  async admit(signal: AbortSignal): Promise<void> {
    while (this.active >= Math.floor(this.limit) || this.clock.now() < this.pausedUntil) {
      if (signal.aborted) throw abortReason(signal);
      const pause = this.pausedUntil - this.clock.now();
      if (pause > 0) await this.clock.sleep(pause, signal);
      else await this.enqueue(signal);
    }
  }

  enqueue(signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        const at = this.waiting.indexOf(wake);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(abortReason(signal));
      };
      const wake = (): void => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      this.waiting.push(wake);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  wake(): void {
    const free = Math.floor(this.limit) - this.active;
    for (let i = 0; i < free && this.waiting.length > 0; i++) this.waiting.shift()!();
  }

  grow(): void {
    if (this.limit >= this.max) return;
    const before = Math.floor(this.limit);
    this.limit = Math.min(this.max, this.limit + 1 / Math.max(1, this.limit));
    if (Math.floor(this.limit) !== before && this.events.has('limit')) {
      this.events.emit('limit', { limit: Math.floor(this.limit), reason: 'increase' });
    }
  }

  shrink(): void {
    const before = Math.floor(this.limit);
    this.limit = Math.max(this.min, this.limit * this.decrease);
    if (Math.floor(this.limit) !== before && this.events.has('limit')) {
      this.events.emit('limit', { limit: Math.floor(this.limit), reason: 'decrease' });
    }
  }

  pause(ms: number, reason: 'retry_after' | 'quota'): void {
    const until = this.clock.now() + ms;
    if (until <= this.pausedUntil) return;
    this.pausedUntil = until;
    if (this.events.has('pause')) this.events.emit('pause', { ms, reason });
  }
}

function header(
  headers: Record<string, string | string[] | undefined> | Headers,
  name: string,
  now: number,
): number | undefined {
  let raw: string | string[] | null | undefined;
  if (typeof (headers as Headers).get === 'function') raw = (headers as Headers).get(name);
  else {
    const lower = name.toLowerCase();
    for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === lower) raw = value;
  }
  const text = Array.isArray(raw) ? raw[0] : raw;
  if (text === undefined || text === null || text === '') return undefined;
  const number = Number(text);
  if (Number.isFinite(number)) return number;
  const date = Date.parse(text);
  return Number.isFinite(date) ? Math.max(0, (date - now) / 1000) : undefined;
}

const ADAPTIVE_LIMITER_KEYS = [
  'name',
  'min',
  'max',
  'initial',
  'decrease',
  'isOverload',
  'clock',
] as const satisfies ReadonlyArray<keyof AdaptiveLimiterOptions>;

/**
 * An AIMD concurrency limiter for clients of rate-limited APIs: the limit grows
 * by about one per limit's worth of successes and is multiplied by `decrease` on
 * overload (429, `RateLimitedError`, timeouts). It also pauses for `Retry-After`
 * and for exhausted quotas fed with `observe`/`observeHeaders`. Calls over the
 * limit wait in order; a waiting call whose signal aborts leaves. Limit changes
 * emit `limit`, pauses emit `pause`, and the gauge `ballast.resilience.adaptive.limit`
 * reports the limit (attribute `ballast.resilience.limiter`).
 *
 * @throws ConfigurationError for an empty `name`, `min` < 1, `max` < `min`, `initial` outside [min, max] or `decrease` outside (0, 1).
 *
 * @example
 * const github = adaptiveLimiter({ min: 1, max: 20 });
 * const repo = await github.execute(() => octokit.repos.get({ owner, repo }));
 */
export function adaptiveLimiter(options: AdaptiveLimiterOptions = {}): AdaptiveLimiter {
  checkOptions('adaptiveLimiter', options, ADAPTIVE_LIMITER_KEYS, false);
  const name = options.name ?? 'adaptive-limiter';
  if (typeof name !== 'string' || name.length === 0)
    throw invalidOption('adaptiveLimiter.name', name, 'a non-empty string');
  const min = integerOption('adaptiveLimiter.min', options.min ?? 1, 1);
  const max = integerOption('adaptiveLimiter.max', options.max ?? 100, min);
  const initial = integerOption('adaptiveLimiter.initial', options.initial ?? min, min, max);
  const decrease = numberOption('adaptiveLimiter.decrease', options.decrease ?? 0.5, {
    min: 0,
    max: 0.999,
    exclusiveMin: true,
  });
  const isOverload = options.isOverload ?? defaultOverload;
  if (typeof isOverload !== 'function')
    throw invalidOption('adaptiveLimiter.isOverload', isOverload, 'a function');
  const clock = options.clock ?? systemClock;
  const events = createEmitter<AdaptiveLimiterEvents>();
  const step = new AdaptiveStep(min, max, initial, decrease, isOverload, clock, events);
  step.observeLimit(name);
  const observe = (quota: QuotaObservation): void => {
    if (quota.retryAfterMs !== undefined && quota.retryAfterMs > 0)
      step.pause(quota.retryAfterMs, 'retry_after');
    if (
      quota.remaining !== undefined &&
      quota.remaining <= 0 &&
      quota.resetMs !== undefined &&
      quota.resetMs > 0
    ) {
      step.pause(quota.resetMs, 'quota');
    }
  };
  return policyOf<AdaptiveLimiter>([step], {
    get limit() {
      return Math.floor(step.limit);
    },
    get active() {
      return step.active;
    },
    observe,
    on: events.on,
    observeHeaders(headers) {
      const now = clock.now();
      const remaining =
        header(headers, 'RateLimit-Remaining', now) ?? header(headers, 'X-RateLimit-Remaining', now);
      let reset = header(headers, 'RateLimit-Reset', now) ?? header(headers, 'X-RateLimit-Reset', now);
      // X-RateLimit-Reset is often an epoch time in seconds (GitHub) rather than a delay.
      if (reset !== undefined && reset > 1e9) reset = Math.max(0, reset - now / 1000);
      const retryAfter = header(headers, 'Retry-After', now);
      observe({
        ...(remaining === undefined ? {} : { remaining }),
        ...(reset === undefined ? {} : { resetMs: reset * 1000 }),
        ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter * 1000 }),
      });
    },
  });
}
