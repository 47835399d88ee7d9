import {
  type Clock,
  createEmitter,
  type DeadlineEntry,
  DeadlineQueue,
  type Duration,
  type EventSource,
  systemClock,
} from '@ballast/core';
import { durationOption, invalidOption, TimeoutError } from '@ballast/errors';
import type { Span } from '@opentelemetry/api';
import { type Call, policyOf, Scope, type Step } from './internal/call.js';
import { rejected, rejection } from './internal/metrics.js';
import { checkOptions } from './internal/options.js';
import type { Policy } from './policy.js';

/** How a {@link timeout} treats work that is still running at the deadline. */
export type TimeoutStrategy = 'aggressive' | 'cooperative';

/** Options for {@link timeout}. */
export interface TimeoutOptions {
  /**
   * `aggressive` aborts the signal and rejects with `TimeoutError` at the deadline,
   * even if the work ignores the signal; `cooperative` aborts the signal and waits
   * for the work, rejecting with `TimeoutError` if it then fails.
   * @defaultValue `'aggressive'`
   */
  strategy?: TimeoutStrategy;
  /** The source of time. @defaultValue `systemClock` */
  clock?: Clock;
}

/** Events of a {@link TimeoutPolicy}. */
export interface TimeoutEvents {
  /** A call reached its deadline (its signal aborted; aggressive calls rejected). */
  timeout: { ms: number; strategy: TimeoutStrategy };
}

/** A {@link timeout} policy. */
export interface TimeoutPolicy extends Policy, EventSource<TimeoutEvents> {
  /** The time limit in milliseconds. */
  readonly ms: number;
  /** The strategy in use. */
  readonly strategy: TimeoutStrategy;
}

let captured: TimeoutScope | undefined;
function capture(resolve: (value: unknown) => void, reject: (error: unknown) => void): void {
  const entry = captured!;
  entry.resolve = resolve;
  entry.reject = reject;
}

class TimeoutScope extends Scope implements DeadlineEntry {
  prev: DeadlineEntry | undefined = undefined;
  next: DeadlineEntry | undefined = undefined;
  queued = false;
  resolve: ((value: unknown) => void) | undefined = undefined;
  reject: ((error: unknown) => void) | undefined = undefined;
  /** The `resilience.execute` span of the call, when tracing is on. */
  span: Span | undefined = undefined;

  constructor(
    parent: Scope | undefined,
    outer: AbortSignal | undefined,
    readonly deadline: number,
    readonly step: TimeoutStep,
  ) {
    super(parent, outer);
  }

  /** Settles an aggressive call with the work's value. */
  readonly done = (value: unknown): void => {
    this.step.queue.remove(this);
    this.release();
    this.resolve!(value);
  };

  /** Settles an aggressive call with the work's error. */
  readonly fail = (error: unknown): void => {
    this.step.queue.remove(this);
    this.release();
    this.reject!(error);
  };

  expire(): void {
    rejected(TIMED_OUT);
    this.span?.addEvent('resilience.timeout', { 'ballast.resilience.timeout': this.step.ms / 1000 });
    const { events } = this.step;
    if (events.has('timeout')) {
      events.emit('timeout', {
        ms: this.step.ms,
        strategy: this.step.aggressive ? 'aggressive' : 'cooperative',
      });
    }
    const error = this.step.error();
    this.abort(error);
    this.reject?.(error);
  }
}

const TIMED_OUT = rejection('timeout', 'timeout');

class TimeoutStep implements Step {
  readonly kind = 'timeout';
  readonly queue: DeadlineQueue;

  constructor(
    readonly ms: number,
    readonly aggressive: boolean,
    readonly clock: Clock,
    readonly events: ReturnType<typeof createEmitter<TimeoutEvents>>,
  ) {
    this.queue = new DeadlineQueue(clock);
  }

  error(cause?: unknown): Error {
    return new TimeoutError(`The operation timed out after ${this.ms} ms`, {
      details: { timeoutMs: this.ms },
      ...(cause === undefined ? {} : { cause }),
    });
  }

  run(call: Call, index: number, scope: Scope | undefined, attempt: number): Promise<unknown> {
    const entry = new TimeoutScope(scope, call.outer, this.clock.now() + this.ms, this);
    entry.span = call.span;
    this.queue.add(entry);
    if (!this.aggressive) return this.cooperative(entry, call, index, attempt);
    captured = entry;
    const promise = new Promise(capture);
    captured = undefined;
    call.next(index, entry, attempt).then(entry.done, entry.fail);
    return promise;
  }

  async cooperative(entry: TimeoutScope, call: Call, index: number, attempt: number): Promise<unknown> {
    try {
      return await call.next(index, entry, attempt);
    } catch (error) {
      if (entry.aborted && entry.reason !== error) throw this.error(error);
      throw error;
    } finally {
      this.queue.remove(entry);
      entry.release();
    }
  }
}

const TIMEOUT_KEYS = ['strategy', 'clock'] as const satisfies ReadonlyArray<keyof TimeoutOptions>;

/**
 * Limits how long the work may run. At the deadline the context's signal aborts
 * with a `TimeoutError`; with the `aggressive` strategy (the default) the call also
 * rejects at once, even if the work ignores the signal.
 *
 * One shared timer per policy serves every call (calls of one policy expire in
 * order), and it is cleared as soon as no call is pending, so no timer outlives
 * the calls it serves.
 *
 * @param ms the limit: milliseconds or a duration string such as `'2s'`.
 * @throws ConfigurationError when `ms` is not a positive duration or the strategy is unknown.
 *
 * @example
 * const limited = timeout('2s');
 * const body = await limited.execute(({ signal }) => fetch(url, { signal }).then((r) => r.text()));
 */
export function timeout(ms: Duration, options: TimeoutOptions = {}): TimeoutPolicy {
  checkOptions('timeout', options, TIMEOUT_KEYS, false);
  const limit = durationOption('timeout.ms', ms);
  if (limit <= 0) throw invalidOption('timeout.ms', ms, 'a duration greater than 0');
  const strategy = options.strategy ?? 'aggressive';
  if (strategy !== 'aggressive' && strategy !== 'cooperative') {
    throw invalidOption('timeout.strategy', strategy, "'aggressive' or 'cooperative'");
  }
  const events = createEmitter<TimeoutEvents>();
  const step = new TimeoutStep(limit, strategy === 'aggressive', options.clock ?? systemClock, events);
  return policyOf<TimeoutPolicy>([step], { ms: limit, strategy, on: events.on });
}
