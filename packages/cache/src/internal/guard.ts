import { type Clock, type DeadlineEntry, DeadlineQueue, type Emitter } from '@ballast/core';
import { durationOption, integerOption, TimeoutError, UnavailableError } from '@ballast/errors';
import { circuitBreaker, consecutiveFailures, pipeline, timeout } from '@ballast/resilience';
import type { CacheEvents } from '../events.js';
import type { TierProtection } from '../options.js';
import type { CacheEntry, CacheTier } from '../tier.js';
import type { SplitRead } from './split-read.js';

/** Runs a remote tier's operations behind its protections (breaker, timeout). */
export interface TierGuard {
  run<T>(operation: (context: { readonly signal: AbortSignal }) => Promise<T>): Promise<T>;
  /**
   * Reads `key` from `tier` through the same breaker and timeout, on the read hot path:
   * no per-call timer, no signal unless `withSignal`. Rejects with the tier's error,
   * a `TimeoutError` or a `BrokenCircuitError`.
   */
  read(
    tier: CacheTier,
    key: string,
    withSignal: boolean,
    split: SplitRead | undefined,
  ): Promise<CacheEntry | undefined>;
  /** The breaker state, for stats and health. */
  readonly state: string;
  close(): void;
}

/** Resolved protection settings, validated once per cache. */
export interface ProtectionSettings {
  readonly timeout: number;
  readonly failures: number;
  readonly halfOpenAfter: number;
}

/** Validates the `protection` option. @throws ConfigurationError naming the bad option. */
export function protectionSettings(options: TierProtection = {}): ProtectionSettings {
  const limit = durationOption('protection.timeout', options.timeout ?? 1_000);
  return {
    timeout: integerOption('protection.timeout', limit, 1),
    failures: integerOption('protection.failures', options.failures ?? 5, 1),
    halfOpenAfter: durationOption('protection.halfOpenAfter', options.halfOpenAfter ?? 5_000),
  };
}

/**
 * Until when the tier is suspect: for one timeout after it last timed out, unless a call
 * succeeds first, writes and locks fail at once instead of waiting out a timeout of their own: a request
 * whose read just timed out must not wait again to write back what its factory made.
 */
interface Suspicion {
  until: number;
}

/** The reads of one tier in flight, with the limit every one of them gets. */
interface ReadDeadlines {
  readonly queue: DeadlineQueue;
  readonly clock: Clock;
  /** The limit of every read, in ms. */
  readonly ms: number;
}

let captured: TimedRead | undefined;
function capture(resolve: (entry: CacheEntry | undefined) => void, reject: (error: unknown) => void): void {
  const read = captured!;
  read.resolve = resolve;
  read.reject = reject;
}

/**
 * One tier read under the timeout: the promise the breaker watches settles with the
 * tier's answer, or with a `TimeoutError` when the shared deadline list expires it.
 */
class TimedRead implements DeadlineEntry {
  deadline = 0;
  prev: DeadlineEntry | undefined = undefined;
  next: DeadlineEntry | undefined = undefined;
  queued = false;
  resolve: ((entry: CacheEntry | undefined) => void) | undefined = undefined;
  reject: ((error: unknown) => void) | undefined = undefined;
  controller: AbortController | undefined = undefined;

  constructor(
    readonly deadlines: ReadDeadlines,
    readonly suspicion: Suspicion,
    readonly tier: CacheTier,
    readonly key: string,
    readonly withSignal: boolean,
    readonly split: SplitRead | undefined,
  ) {}

  /** The breaker's work: starts the read once the breaker admits it. */
  readonly start = (): Promise<CacheEntry | undefined> => {
    captured = this;
    const promise = new Promise<CacheEntry | undefined>(capture);
    captured = undefined;
    this.deadline = this.deadlines.clock.now() + this.deadlines.ms;
    this.deadlines.queue.add(this);
    try {
      const split = this.split;
      if (split?.read !== undefined) {
        if (!split.read(this.key, this.fetched, this.fail)) this.get();
      } else {
        const sent = split?.fetch(this.key);
        if (sent !== undefined) sent.then(this.fetched, this.fail);
        else this.get();
      }
    } catch (error) {
      this.fail(error);
    }
    return promise;
  };

  /** The read through `CacheTier.get`, for tiers without a split read. */
  get(): void {
    let signal: AbortSignal | undefined;
    if (this.withSignal) {
      this.controller = new AbortController();
      signal = this.controller.signal;
    }
    const result = this.tier.get(this.key, signal);
    (result instanceof Promise ? result : Promise.resolve(result)).then(
      (entry) => this.done(entry),
      this.fail,
    );
  }

  /** The split read's answer: decoded here, in the continuation that settles the read. */
  readonly fetched = (raw: string | null): void => {
    if (!this.queued) return;
    let entry: CacheEntry | undefined | Promise<never>;
    try {
      entry = this.split!.decode(raw, this.key);
    } catch (error) {
      this.fail(error);
      return;
    }
    if (entry instanceof Promise) entry.then(undefined, this.fail);
    else this.done(entry);
  };

  done(entry: CacheEntry | undefined): void {
    if (!this.queued) return;
    this.deadlines.queue.remove(this);
    this.suspicion.until = 0;
    this.resolve!(entry);
  }

  readonly fail = (error: unknown): void => {
    if (!this.queued) return;
    this.deadlines.queue.remove(this);
    this.reject!(error);
  };

  expire(): void {
    const ms = this.deadlines.ms;
    this.suspicion.until = this.deadlines.clock.now() + ms;
    const error = new TimeoutError(`The operation timed out after ${ms} ms`, { details: { timeoutMs: ms } });
    this.controller?.abort(error);
    this.reject!(error);
  }
}

/**
 * Puts a tier behind a `@ballast/resilience` circuit breaker and a timeout: a slow or
 * failing tier costs at most `timeout` per call until the breaker opens, then nothing
 * until a probe finds it healthy again. Writes run through `pipeline(breaker, timeout)`;
 * reads, the hot path, through the same breaker and a deadline list with one coarse
 * timer per tier.
 */
export function createGuard(
  tier: string,
  settings: ProtectionSettings,
  clock: Clock,
  emitter: Emitter<CacheEvents>,
): TierGuard {
  const breaker = circuitBreaker({
    name: `cache:${tier}`,
    strategy: consecutiveFailures(settings.failures),
    halfOpenAfter: settings.halfOpenAfter,
    clock,
  });
  const policy = pipeline(breaker, timeout(settings.timeout, { clock }));
  // Every read gets the same limit, so the queue stays in deadline order; its timer is
  // unreferenced when idle rather than cleared, so a busy tier never sets one per read.
  const deadlines: ReadDeadlines = {
    queue: new DeadlineQueue(clock, { idle: 'unref' }),
    clock,
    ms: settings.timeout,
  };
  const suspicion: Suspicion = { until: 0 };
  const off = breaker.on('stateChange', ({ to }) => emitter.emit('breaker', { tier, state: to }));
  return {
    async run(operation) {
      if (suspicion.until > clock.now()) {
        throw new UnavailableError(`The ${tier} tier timed out moments ago; skipped rather than wait again`, {
          details: { tier },
        });
      }
      try {
        const result = await policy.execute(operation);
        suspicion.until = 0;
        return result;
      } catch (error) {
        if (TimeoutError.is(error)) suspicion.until = clock.now() + settings.timeout;
        throw error;
      }
    },
    read: (target, key, withSignal, split) =>
      breaker.execute(new TimedRead(deadlines, suspicion, target, key, withSignal, split).start),
    get state() {
      return breaker.state;
    },
    close: off,
  };
}
