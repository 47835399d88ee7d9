import { type Emitter, otelApi, recordError, withSpan } from '@ballast/core';
import { isBrokenCircuitError } from '@ballast/resilience';
import type { Attributes, Span, SpanContext } from '@opentelemetry/api';
import { CorruptEntryError } from '../errors.js';
import type { CacheEvents } from '../events.js';
import { type TierCounters, tierCounters } from '../stats.js';
import { telemetry } from '../telemetry.js';
import type { CacheEntry, CacheLock, CacheTier } from '../tier.js';
import type { TierGuard } from './guard.js';
import type { Recovery } from './recovery.js';
import { type SplitRead, splitReadOf } from './split-read.js';

/** The API's `INVALID_SPAN_CONTEXT`. */
const INVALID_SPAN_CONTEXT: SpanContext = Object.freeze({
  traceId: '00000000000000000000000000000000',
  spanId: '0000000000000000',
  traceFlags: 0,
});

/**
 * The span of a read while tracing is off: records nothing, costs nothing (what the API's
 * `trace.wrapSpanContext(INVALID_SPAN_CONTEXT)` gives, without loading the API at import).
 */
const NO_SPAN: Span = Object.freeze({
  spanContext: () => INVALID_SPAN_CONTEXT,
  setAttribute: () => NO_SPAN,
  setAttributes: () => NO_SPAN,
  addEvent: () => NO_SPAN,
  addLink: () => NO_SPAN,
  addLinks: () => NO_SPAN,
  setStatus: () => NO_SPAN,
  updateName: () => NO_SPAN,
  end: () => {},
  isRecording: () => false,
  recordException: () => {},
});

function failSpan(span: Span, error: unknown): void {
  recordError(span, error);
  span.end();
}

/** The tier operations that get a span, and so their own `db.operation.name`. */
const OPERATIONS = ['get', 'set', 'delete', 'deleteByTag', 'clear'] as const;

/** What a lock attempt came to. */
export type LockAttempt = { lock: CacheLock } | 'busy' | 'failed';

/**
 * Calls tiers for the cache: in-process tiers directly, others through their guard and
 * inside a span. Never throws: failures are counted, reported as `error` events and
 * turned into "nothing found" or `false`.
 */
export class TierRunner {
  readonly counters: TierCounters[];
  /** Each tier's span attributes, by operation. */
  readonly #attributes: Record<string, Attributes>[];
  /**
   * Whether each tier's `get` takes a signal. Reading the policy's signal creates it,
   * so the hot L2 read skips it for tiers that would ignore it.
   */
  readonly #signals: boolean[];
  /** Each tier's split read, when it has one (the Redis tier). */
  readonly #splits: (SplitRead | undefined)[];
  /**
   * Per tier: an `error` event already said the breaker refuses calls. While it stays open
   * further refusals are only counted (`stats().tiers[i].errors`), so an open breaker costs
   * one event, not one per read; any other failure (a probe's) ends the quiet spell.
   */
  readonly #refusing: boolean[];
  /** Remembers the writes a shared tier missed, and repairs them once it answers. */
  recovery: Recovery | undefined = undefined;

  constructor(
    readonly tiers: readonly CacheTier[],
    readonly guards: readonly (TierGuard | undefined)[],
    readonly emitter: Emitter<CacheEvents>,
    cacheName: string,
  ) {
    this.counters = tiers.map(() => tierCounters());
    this.#signals = tiers.map((tier) => tier.get.length > 1);
    this.#splits = tiers.map(splitReadOf);
    this.#refusing = tiers.map(() => false);
    this.#attributes = tiers.map((tier, index) => {
      // A tier with a split read is the Redis tier: its spans carry the database attributes.
      const db = this.#splits[index] === undefined ? {} : { 'db.system.name': 'redis' };
      return Object.fromEntries(
        OPERATIONS.map((operation) => [
          operation,
          Object.freeze({
            'cache.name': cacheName,
            'cache.tier': tier.name,
            ...db,
            ...(this.#splits[index] === undefined ? {} : { 'db.operation.name': operation }),
          }),
        ]),
      );
    });
  }

  /**
   * Reads a tier, never rejecting: a failure is counted, reported and read as "nothing
   * found". The read path of `getOrSet` uses {@link TierRunner.startRead} instead.
   */
  get(index: number, key: string): Promise<CacheEntry | undefined> {
    const tier = this.tiers[index]!;
    if (this.guards[index] === undefined) {
      try {
        return Promise.resolve(tier.getSync!(key));
      } catch (error) {
        return Promise.resolve(this.getFailed(index, key, error));
      }
    }
    const span = this.startSpan(index);
    return this.startRead(index, key, span).then(
      (entry) => {
        span.end();
        return entry;
      },
      (error: unknown) => this.readFailed(index, key, span, error),
    );
  }

  /** The span of one remote read; the caller ends it (or hands it to {@link TierRunner.readFailed}). */
  startSpan(index: number): Span {
    return (
      telemetry.tracer()?.startSpan('cache.get', { attributes: this.#attributes[index]!.get! }) ?? NO_SPAN
    );
  }

  /**
   * Starts a read of a remote (guarded) tier. The promise rejects with the failure,
   * which the caller passes to {@link TierRunner.readFailed}.
   */
  startRead(index: number, key: string, span?: Span): Promise<CacheEntry | undefined> {
    const read = (): Promise<CacheEntry | undefined> =>
      this.guards[index]!.read(this.tiers[index]!, key, this.#signals[index]!, this.#splits[index]);
    // The read runs with its span active, so a Redis client's span nests under `cache.get`;
    // a span that records nothing (no SDK) costs no context switch.
    if (span === undefined || !span.isRecording()) return read();
    const { context, trace } = otelApi();
    return context.with(trace.setSpan(context.active(), span), read);
  }

  /** Ends the read's span as failed, counts and reports the failure: nothing was found. */
  readFailed(index: number, key: string, span: Span, error: unknown): undefined {
    failSpan(span, error);
    return this.getFailed(index, key, error);
  }

  /** Counts a failed read (or a corrupt entry) and reports it: nothing was found. */
  getFailed(index: number, key: string, error: unknown): undefined {
    if (CorruptEntryError.is(error)) this.counters[index]!.corrupt++;
    else this.#fail(index, 'get', error, key);
    return undefined;
  }

  set(index: number, key: string, entry: CacheEntry): Promise<boolean> {
    this.counters[index]!.sets++;
    const written = this.#run(index, 'set', key, (tier, signal) => tier.set(key, entry, signal));
    const recovery = this.recovery;
    if (recovery === undefined || this.guards[index] === undefined) return written;
    return written.then((ok) => {
      if (ok) recovery.wrote(index, key, entry);
      return ok;
    });
  }

  delete(index: number, key: string): Promise<boolean> {
    this.counters[index]!.deletes++;
    return this.#run(index, 'delete', key, (tier, signal) => tier.delete(key, signal));
  }

  deleteByTag(index: number, tag: string): Promise<boolean> {
    return this.#run(index, 'deleteByTag', undefined, (tier, signal) => tier.deleteByTag?.(tag, signal), tag);
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
    tag?: string,
  ): Promise<boolean> {
    const tier = this.tiers[index]!;
    try {
      const guard = this.guards[index];
      if (guard === undefined) await call(tier);
      else {
        const run = () =>
          guard.run(async (context) => {
            await call(tier, context.signal);
          });
        const tracer = telemetry.tracer();
        await (tracer === undefined
          ? run()
          : withSpan(tracer, `cache.${operation}`, this.#attributes[index]![operation]!, run));
        this.recovery?.succeeded(index, operation, key ?? tag);
      }
      return true;
    } catch (error) {
      // #fail first: the writes it puts in doubt are older than this skipped change.
      this.#fail(index, operation, error, key);
      if (this.guards[index] !== undefined) this.recovery?.skipped(index, operation, key ?? tag);
      return false;
    }
  }

  #fail(index: number, operation: string, error: unknown, key: string | undefined): void {
    this.counters[index]!.errors++;
    this.recovery?.failed(index);
    if (isBrokenCircuitError(error)) {
      if (this.#refusing[index]) return;
      this.#refusing[index] = true;
    } else this.#refusing[index] = false;
    const tier = this.tiers[index]!.name;
    this.emitter.emit(
      'error',
      key === undefined ? { operation, tier, error } : { operation, tier, key, error },
    );
  }
}
