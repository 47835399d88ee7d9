import { createEmitter, type EventSource } from '@ballast/core';
import { invalidOption, normalizeError } from '@ballast/errors';
import type { Attributes } from '@opentelemetry/api';
import { type Call, policyOf, type Scope, type Step, signalOf } from './internal/call.js';
import { type Instruments, instruments } from './internal/metrics.js';
import { checkOptions } from './internal/options.js';
import type { Policy } from './policy.js';

/** Events of a {@link FallbackPolicy}. */
export interface FallbackEvents {
  /** The work failed and the fallback answered instead. */
  fallback: { error: unknown };
}

/** Options for {@link fallback}. */
export interface FallbackOptions {
  /**
   * Whether the fallback should answer for `error`. Whatever it says, the fallback never
   * answers once the caller's own signal has aborted: nobody is waiting for the answer.
   * @defaultValue every error except cancellations (`AbortError`, `CancelledError` and
   * anything `normalizeError` puts in the `cancelled` category)
   */
  shouldHandle?: (error: unknown) => boolean;
}

/** A {@link fallback} policy. */
export interface FallbackPolicy extends Policy, EventSource<FallbackEvents> {}

/** Produces a fallback value from the error (and the caller's signal). */
export type FallbackFn = (error: unknown, signal: AbortSignal) => unknown;

/** The default `shouldHandle`: every error but a cancellation. */
function notCancelled(error: unknown): boolean {
  if (error instanceof Error && error.name === 'AbortError') return false;
  return normalizeError(error).category !== 'cancelled';
}

class FallbackStep implements Step {
  readonly kind = 'fallback';
  /** Resolved per use, so a policy built before the SDK starts records once it is registered. */
  get metrics(): Instruments | undefined {
    return instruments();
  }
  /** Frozen metric attributes per error category, built on first use. */
  readonly attributes = new Map<string, Attributes>();

  constructor(
    readonly value: unknown,
    readonly compute: FallbackFn | undefined,
    readonly shouldHandle: (error: unknown) => boolean,
    readonly events: ReturnType<typeof createEmitter<FallbackEvents>>,
  ) {}

  async run(call: Call, index: number, scope: Scope | undefined, attempt: number): Promise<unknown> {
    try {
      return await call.next(index, scope, attempt);
    } catch (error) {
      if (!this.shouldHandle(error) || signalOf(scope, call.outer).aborted) throw error;
      if (this.metrics !== undefined) this.count(this.metrics, error);
      if (this.events.has('fallback')) this.events.emit('fallback', { error });
      return this.compute === undefined ? this.value : await this.compute(error, signalOf(scope, call.outer));
    }
  }

  count(metrics: Instruments, error: unknown): void {
    const { category } = normalizeError(error);
    let attributes = this.attributes.get(category);
    if (attributes === undefined) {
      attributes = Object.freeze({
        'ballast.resilience.policy': 'fallback',
        'ballast.resilience.reason': category,
      });
      this.attributes.set(category, attributes);
    }
    metrics.fallbacks.add(1, attributes);
  }
}

const FALLBACK_KEYS = ['shouldHandle'] as const satisfies ReadonlyArray<keyof FallbackOptions>;

/**
 * Answers with a fallback when the work fails: a fixed value, or a function of
 * the error (which may be async, e.g. a stale cache read). The policy's result
 * type is the work's; pass a fallback of the same type. Each fallback emits
 * `fallback` and counts in `ballast.resilience.fallbacks` by error category.
 *
 * @throws ConfigurationError when `shouldHandle` is not a function.
 *
 * @example
 * const withDefault = fallback(() => ({ items: [], degraded: true }));
 * const page = await withDefault.execute(() => recommendations.fetch(userId));
 */
export function fallback(valueOrFn: unknown, options: FallbackOptions = {}): FallbackPolicy {
  checkOptions('fallback', options, FALLBACK_KEYS, false);
  const shouldHandle = options.shouldHandle ?? notCancelled;
  if (typeof shouldHandle !== 'function')
    throw invalidOption('fallback.shouldHandle', shouldHandle, 'a function');
  const events = createEmitter<FallbackEvents>();
  const compute = typeof valueOrFn === 'function' ? (valueOrFn as FallbackFn) : undefined;
  return policyOf<FallbackPolicy>([new FallbackStep(valueOrFn, compute, shouldHandle, events)], {
    on: events.on,
  });
}
