import type { Emitter } from '@ballast/core';
import type { Attributes, Span, Tracer } from '@opentelemetry/api';
import { SpanStatusCode } from '@opentelemetry/api';
import { CorruptEntryError } from '../errors.js';
import type { CacheEvents } from '../events.js';
import { type TierCounters, tierCounters } from '../stats.js';
import type { CacheEntry, CacheLock, CacheTier } from '../tier.js';

/** Runs a remote tier's operation behind its protections (breaker, timeout). */
export interface TierGuard {
  run<T>(operation: (context: { readonly signal: AbortSignal }) => Promise<T>): Promise<T>;
  /** The breaker state, for stats and health. */
  readonly state: string;
  close(): void;
}

function failSpan(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : String(error),
  });
  span.end();
}

function toPromise<T>(value: T | Promise<T>): Promise<T> {
  return value instanceof Promise ? value : Promise.resolve(value);
}

/** What a lock attempt came to. */
export type LockAttempt = { lock: CacheLock } | 'busy' | 'failed';

/**
 * Calls tiers for the cache: in-process tiers directly, others through their guard and
 * inside a span. Never throws: failures are counted, reported as `error` events and
 * turned into "nothing found" or `false`.
 */
export class TierRunner {
  readonly counters: TierCounters[];
  readonly #attributes: Attributes[];
  /**
   * Whether each tier's `get` takes a signal. Reading the policy's signal creates it,
   * so the hot L2 read skips it for tiers that would ignore it.
   */
  readonly #signals: boolean[];

  constructor(
    readonly tiers: readonly CacheTier[],
    readonly guards: readonly (TierGuard | undefined)[],
    readonly emitter: Emitter<CacheEvents>,
    readonly tracer: Tracer,
    cacheName: string,
  ) {
    this.counters = tiers.map(() => tierCounters());
    this.#signals = tiers.map((tier) => tier.get.length > 1);
    this.#attributes = tiers.map((tier) => ({ 'cache.name': cacheName, 'cache.tier': tier.name }));
  }

  get(index: number, key: string): Promise<CacheEntry | undefined> {
    const tier = this.tiers[index]!;
    const guard = this.guards[index];
    if (guard === undefined) {
      try {
        return toPromise(tier.get(key)).catch((error: unknown) => this.#getFailed(index, key, error));
      } catch (error) {
        return Promise.resolve(this.#getFailed(index, key, error));
      }
    }
    // The L2 read path: one span, the guard, and a single continuation.
    const span = this.tracer.startSpan('cache.get', { attributes: this.#attributes[index]! });
    return guard
      .run((context) => toPromise(tier.get(key, this.#signals[index] ? context.signal : undefined)))
      .then(
        (entry) => {
          span.end();
          return entry;
        },
        (error: unknown) => {
          failSpan(span, error);
          return this.#getFailed(index, key, error);
        },
      );
  }

  #getFailed(index: number, key: string, error: unknown): undefined {
    if (CorruptEntryError.is(error)) this.counters[index]!.corrupt++;
    else this.#fail(index, 'get', error, key);
    return undefined;
  }

  set(index: number, key: string, entry: CacheEntry): Promise<boolean> {
    this.counters[index]!.sets++;
    return this.#run(index, 'set', key, (tier, signal) => tier.set(key, entry, signal));
  }

  delete(index: number, key: string): Promise<boolean> {
    this.counters[index]!.deletes++;
    return this.#run(index, 'delete', key, (tier, signal) => tier.delete(key, signal));
  }

  deleteByTag(index: number, tag: string): Promise<boolean> {
    return this.#run(index, 'deleteByTag', undefined, (tier, signal) => tier.deleteByTag?.(tag, signal));
  }

  clear(index: number): Promise<boolean> {
    return this.#run(index, 'clear', undefined, (tier, signal) => tier.clear(signal));
  }

  async lock(index: number, key: string, ttl: number): Promise<LockAttempt> {
    const tier = this.tiers[index]!;
    try {
      const guard = this.guards[index];
      const lock =
        guard === undefined
          ? await tier.lock!(key, ttl)
          : await guard.run((context) => tier.lock!(key, ttl, context.signal));
      return lock === undefined ? 'busy' : { lock };
    } catch (error) {
      this.#fail(index, 'lock', error, key);
      return 'failed';
    }
  }

  async #run(
    index: number,
    operation: string,
    key: string | undefined,
    call: (tier: CacheTier, signal?: AbortSignal) => unknown,
  ): Promise<boolean> {
    const tier = this.tiers[index]!;
    try {
      const guard = this.guards[index];
      if (guard === undefined) await call(tier);
      else {
        await this.#traced(
          `cache.${operation}`,
          index,
          guard.run(async (context) => {
            await call(tier, context.signal);
          }),
        );
      }
      return true;
    } catch (error) {
      this.#fail(index, operation, error, key);
      return false;
    }
  }

  /**
   * Ends a span when `work` settles. The span is not made active: nothing inside needs
   * it as a parent, and skipping the context switch keeps the L2 path lean.
   */
  #traced<T>(name: string, index: number, work: Promise<T>): Promise<T> {
    const span = this.tracer.startSpan(name, { attributes: this.#attributes[index]! });
    return work.then(
      (value) => {
        span.end();
        return value;
      },
      (error: unknown) => {
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: error instanceof Error ? error.message : String(error),
        });
        span.end();
        throw error;
      },
    );
  }

  #fail(index: number, operation: string, error: unknown, key: string | undefined): void {
    this.counters[index]!.errors++;
    const tier = this.tiers[index]!.name;
    this.emitter.emit(
      'error',
      key === undefined ? { operation, tier, error } : { operation, tier, key, error },
    );
  }
}
