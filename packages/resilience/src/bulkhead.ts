import {
  abortReason,
  type Clock,
  createEmitter,
  type Duration,
  type EventSource,
  systemClock,
  type TimerHandle,
} from '@ballast/core';
import { durationOption, integerOption } from '@ballast/errors';
import { BulkheadRejectedError } from './errors.js';
import { type Call, policyOf, type Scope, type Step, signalOf } from './internal/call.js';
import { rejected, rejection } from './internal/metrics.js';
import { checkOptions } from './internal/options.js';
import type { Policy } from './policy.js';

/** Events of a {@link Bulkhead}. */
export interface BulkheadEvents {
  /** A call was rejected: no slot and no queue space, or it waited longer than `queueTimeout`. */
  rejected: { reason: 'full' | 'queue_timeout'; active: number; queued: number };
}

/** Options for {@link bulkhead}. */
export interface BulkheadOptions {
  /** Executions allowed at once. */
  limit: number;
  /** Calls allowed to wait for a slot; the rest are rejected. @defaultValue `0` */
  queue?: number;
  /** How long a queued call may wait before it is rejected. @defaultValue no limit */
  queueTimeout?: Duration;
  /** The source of time. @defaultValue `systemClock` */
  clock?: Clock;
}

/** A {@link bulkhead} policy. */
export interface Bulkhead extends Policy, EventSource<BulkheadEvents> {
  /** Executions running now. */
  readonly active: number;
  /** Calls waiting for a slot. */
  readonly queued: number;
}

class Waiter {
  timer: TimerHandle | undefined = undefined;
  signal: AbortSignal | undefined = undefined;
  constructor(
    readonly step: BulkheadStep,
    readonly resolve: () => void,
    readonly reject: (error: unknown) => void,
  ) {}
  /** The caller's signal aborted: leave the queue. */
  handleEvent(): void {
    if (this.step.leave(this)) this.reject(abortReason(this.signal!));
  }
  expire(): void {
    if (this.step.leave(this)) this.reject(this.step.rejection('queue_timeout'));
  }
  cleanup(): void {
    if (this.timer !== undefined) this.step.clock.clearTimeout(this.timer);
    this.signal?.removeEventListener('abort', this);
  }
}

const FULL = rejection('bulkhead', 'full');
const QUEUE_TIMEOUT = rejection('bulkhead', 'queue_timeout');

class BulkheadStep implements Step {
  readonly kind = 'bulkhead';
  active = 0;
  readonly waiting: Waiter[] = [];

  constructor(
    readonly limit: number,
    readonly queue: number,
    readonly queueTimeout: number | undefined,
    readonly clock: Clock,
    readonly events: ReturnType<typeof createEmitter<BulkheadEvents>>,
  ) {}

  run(call: Call, index: number, scope: Scope | undefined, attempt: number): Promise<unknown> {
    if (this.active < this.limit) {
      this.active++;
      return this.guard(call, index, scope, attempt);
    }
    if (this.waiting.length >= this.queue) return Promise.reject(this.rejection('full'));
    return this.wait(call, index, scope, attempt);
  }

  async wait(call: Call, index: number, scope: Scope | undefined, attempt: number): Promise<unknown> {
    const signal = scope !== undefined || call.outer !== undefined ? signalOf(scope, call.outer) : undefined;
    await new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortReason(signal));
        return;
      }
      const waiter = new Waiter(this, resolve, reject);
      this.waiting.push(waiter);
      if (signal !== undefined) {
        waiter.signal = signal;
        signal.addEventListener('abort', waiter);
      }
      if (this.queueTimeout !== undefined) {
        waiter.timer = this.clock.setTimeout(() => waiter.expire(), this.queueTimeout);
      }
    });
    // The slot was handed over by the call that released it: `active` already counts us.
    return this.guard(call, index, scope, attempt);
  }

  async guard(call: Call, index: number, scope: Scope | undefined, attempt: number): Promise<unknown> {
    try {
      return await call.next(index, scope, attempt);
    } finally {
      const next = this.waiting.shift();
      if (next === undefined) this.active--;
      else {
        next.cleanup();
        next.resolve();
      }
    }
  }

  leave(waiter: Waiter): boolean {
    const at = this.waiting.indexOf(waiter);
    if (at < 0) return false;
    this.waiting.splice(at, 1);
    waiter.cleanup();
    return true;
  }

  rejection(reason: 'full' | 'queue_timeout'): Error {
    if (this.events.has('rejected')) {
      this.events.emit('rejected', { reason, active: this.active, queued: this.waiting.length });
    }
    rejected(reason === 'full' ? FULL : QUEUE_TIMEOUT);
    return new BulkheadRejectedError({ limit: this.limit, queue: this.queue, reason });
  }
}

const BULKHEAD_KEYS = ['limit', 'queue', 'queueTimeout', 'clock'] as const satisfies ReadonlyArray<
  keyof BulkheadOptions
>;

/**
 * Isolates a dependency by capping concurrent executions at `limit`, with up to
 * `queue` callers waiting in order for a slot; the rest are rejected at once with
 * `BulkheadRejectedError`. A queued caller whose signal aborts leaves the queue.
 *
 * @throws ConfigurationError when `limit` < 1, `queue` < 0 or `queueTimeout` is not a duration.
 *
 * @example
 * const pool = bulkhead({ limit: 10, queue: 100, queueTimeout: '2s' });
 * await pool.execute(() => renderPdf(doc));
 */
export function bulkhead(options: BulkheadOptions): Bulkhead {
  checkOptions('bulkhead', options, BULKHEAD_KEYS, true);
  const limit = integerOption('bulkhead.limit', options?.limit, 1);
  const queue = integerOption('bulkhead.queue', options.queue ?? 0, 0);
  const queueTimeout =
    options.queueTimeout === undefined
      ? undefined
      : durationOption('bulkhead.queueTimeout', options.queueTimeout);
  const events = createEmitter<BulkheadEvents>();
  const step = new BulkheadStep(limit, queue, queueTimeout, options.clock ?? systemClock, events);
  return policyOf<Bulkhead>([step], {
    get active() {
      return step.active;
    },
    get queued() {
      return step.waiting.length;
    },
    on: events.on,
  });
}
