import { abortReason, type Duration } from '@ballast/core';
import type { Span } from '@opentelemetry/api';
import type { CacheEngine, KeyWatch } from './internal/engine.js';
import { runFactory } from './internal/factory.js';
import type { PendingWrite } from './internal/write-behind.js';
import type { ResolvedPolicy } from './policy.js';
import type { NamespaceCounters } from './stats.js';
import type { CacheEntry } from './tier.js';
import { entryState, refreshDue } from './ttl.js';

/** What a factory receives. */
export interface FactoryContext<T> {
  /** Aborts when the hard timeout (`timeouts.hard`) passes. */
  readonly signal: AbortSignal;
  /** The previous value (stale, or still fresh during a refresh-ahead), if any. */
  readonly stale: T | undefined;
  /** The fencing token of the cross-process lock, when `lock` is set and was taken. */
  readonly fencingToken: number | undefined;
  /** Overrides the TTL of the value being produced. */
  setTtl(ttl: Duration): void;
  /** Sets the tags of the value being produced (in addition to the call's tags). */
  setTags(tags: readonly string[]): void;
  /** Returns the value to the callers without caching it. */
  skip(): void;
}

/** Produces a value on a miss. Returning `undefined` caches nothing. */
export type Factory<T> = (context: FactoryContext<T>) => T | Promise<T>;

/** One read through the cache: the key with its namespace prefix, and everything resolved. */
export interface ReadCall<T> {
  readonly key: string;
  readonly factory: Factory<T>;
  readonly policy: ResolvedPolicy;
  readonly counters: NamespaceCounters;
  readonly tags: readonly string[];
  /** Cross-process lock TTL in ms, when asked for. */
  readonly lockTtl: number | undefined;
  readonly signal: AbortSignal | undefined;
}

/** What the tiers held for a key. */
export interface TierRead {
  fresh: CacheEntry | undefined;
  stale: CacheEntry | undefined;
  /** The first entry seen in any state: adaptive TTL compares the new value with it. */
  previous: CacheEntry | undefined;
}

const RESOLVED = Promise.resolve();

/**
 * One pass over the tiers for a key: reads them in order until one holds a fresh entry,
 * backfilling the faster tiers with it, and remembers the first stale entry seen for
 * fail-safe. In-process tiers are read synchronously; each remote tier costs one
 * continuation on its guarded read, with handlers bound once per pass.
 */
class TierScan implements TierRead {
  fresh: CacheEntry | undefined = undefined;
  stale: CacheEntry | undefined = undefined;
  previous: CacheEntry | undefined = undefined;
  index = 0;
  span: Span | undefined = undefined;
  /** Set while the scan reads remote tiers, with the engine's counts when it began. */
  watch: KeyWatch | undefined = undefined;
  changes = 0;
  epoch = 0;
  tagSeq = 0;

  constructor(
    readonly engine: CacheEngine,
    readonly key: string,
  ) {}

  /** Reads from tier `index` on; settles with {@link TierScan.done}'s answer. */
  scan(): Promise<unknown> {
    const { engine, key } = this;
    const { runner, tiers } = engine;
    while (this.index < tiers.length && runner.guards[this.index] === undefined) {
      const index = this.index;
      let entry: CacheEntry | undefined;
      try {
        entry = tiers[index]!.getSync!(key);
      } catch (error) {
        entry = runner.getFailed(index, key, error);
      }
      // Settle on a later turn, as a remote read would: `load` registers first.
      if (this.seen(index, entry)) return RESOLVED.then(() => this.finish());
      this.index++;
    }
    if (this.index >= tiers.length) return RESOLVED.then(() => this.finish());
    const queued = engine.writeBehind?.latest(key);
    if (queued !== undefined) return RESOLVED.then(() => this.queued(queued));
    this.span = runner.startSpan(this.index);
    const reading = runner.startRead(this.index, key, this.span);
    // Watched once the read is under way, so nothing can throw before `release`.
    if (this.watch === undefined) {
      this.watch = engine.watch(key);
      this.changes = this.watch.changes;
      this.epoch = engine.epoch;
      this.tagSeq = engine.tagSeq;
    }
    return reading.then(this.onEntry, this.onError);
  }

  /** Records what tier `index` held; true when it is fresh (the scan is over). */
  seen(index: number, entry: CacheEntry | undefined): boolean {
    const { engine, key } = this;
    const counters = engine.runner.counters[index]!;
    if (entry !== undefined) {
      const state = entryState(entry, engine.clock.now());
      if (state === 'fresh') {
        counters.hits++;
        // A change of the key since the read began makes this entry the older one.
        const watch = this.watch;
        if (
          watch === undefined ||
          !engine.overtaken(watch, this.changes, this.epoch, this.tagSeq, entry.tags)
        )
          engine.backfill(index, key, entry);
        this.fresh = entry;
        return true;
      }
      this.previous ??= entry;
      if (state === 'stale') this.stale ??= entry;
      else if (index === 0 && engine.l1 !== undefined) engine.l1.delete(key);
    }
    counters.misses++;
    return false;
  }

  /**
   * This process queued a write of the key (write-behind) that the slower tiers may not
   * have yet: that write is the answer, so a queued delete is not undone by an older copy.
   */
  queued(write: PendingWrite): unknown {
    const { engine } = this;
    this.index = engine.tiers.length;
    if (write.kind === 'set') {
      const state = entryState(write.entry, engine.clock.now());
      if (state === 'fresh') {
        this.fresh = write.entry;
        engine.l1?.set(this.key, write.entry);
      } else {
        this.previous ??= write.entry;
        if (state === 'stale') this.stale ??= write.entry;
      }
    }
    return this.finish();
  }

  readonly onEntry = (entry: CacheEntry | undefined): unknown => this.next(entry, false, undefined);

  readonly onError = (error: unknown): unknown => this.next(undefined, true, error);

  /** Ends the scan's remote reads, once. */
  release(): void {
    const watch = this.watch;
    if (watch === undefined) return;
    this.watch = undefined;
    this.engine.unwatch(this.key, watch);
  }

  /** Ends a scan without a remote read pending: after in-process tiers or a queued write. */
  finish(): unknown {
    this.release();
    try {
      return this.done();
    } catch (error) {
      return this.failed(error);
    }
  }

  /** Continues after a remote read: the next tier, or the answer. */
  next(entry: CacheEntry | undefined, failed: boolean, error: unknown): unknown {
    const { engine, index } = this;
    try {
      if (failed) engine.runner.readFailed(index, this.key, this.span!, error);
      else this.span!.end();
      if (this.seen(index, entry) || ++this.index >= engine.tiers.length) {
        this.release();
        return this.done();
      }
      return this.scan();
    } catch (thrown) {
      this.release();
      return this.failed(thrown);
    }
  }

  /** The answer once the scan is over: the scan itself (a {@link TierRead}). */
  done(): unknown {
    return this;
  }

  failed(error: unknown): never {
    throw error;
  }
}

/**
 * Reads the tiers in order until one holds a fresh entry, backfilling the faster tiers
 * with it; remembers the first stale entry seen for fail-safe.
 */
export function readTiers(engine: CacheEngine, key: string): Promise<TierRead> {
  return new TierScan(engine, key).scan() as Promise<TierRead>;
}

/** Resolves with `promise`, or rejects as soon as the caller's own signal aborts. */
export function forCaller<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * A caller-facing load: reads the tiers, then produces on a miss, removing its own
 * `loads` entry once the answer is known (always on a later turn than `load` set it).
 */
class Load<T> extends TierScan {
  constructor(
    engine: CacheEngine,
    readonly call: ReadCall<T>,
  ) {
    super(engine, call.key);
  }

  override done(): unknown {
    const { engine, call } = this;
    const fresh = this.fresh;
    if (fresh !== undefined) {
      engine.loads.delete(this.key);
      call.counters.hits++;
      const ratio = call.policy.earlyRefresh;
      if (ratio !== undefined && refreshDue(fresh, engine.clock.now(), ratio))
        refreshAhead(engine, call, fresh);
      return fresh.value;
    }
    call.counters.misses++;
    if (engine.emitter.has('miss')) engine.emitter.emit('miss', { key: this.key });
    const produced = produce(engine, call, this.stale, this.previous);
    const finished = (): void => {
      engine.loads.delete(this.key);
    };
    produced.then(finished, finished);
    return produced;
  }

  override failed(error: unknown): never {
    this.engine.loads.delete(this.key);
    throw error;
  }
}

/** The slow path of `getOrSet`: one load per key however many callers wait (single flight). */
export function load<T>(engine: CacheEngine, call: ReadCall<T>): Promise<T> {
  const pending = engine.loads.get(call.key) as Promise<T> | undefined;
  if (pending !== undefined) return forCaller(pending, call.signal);
  const loading = new Load(engine, call).scan() as Promise<T>;
  engine.loads.set(call.key, loading);
  return forCaller(loading, call.signal);
}

/** Starts a background refresh of a fresh entry past its refresh-ahead point, once per key. */
export function refreshAhead<T>(engine: CacheEngine, call: ReadCall<T>, current: CacheEntry): void {
  if (engine.refreshes.has(call.key)) return;
  engine.emitter.emit('refresh', { key: call.key, reason: 'early' });
  startFactory(engine, call, current, current).catch((error: unknown) => {
    engine.emitter.emit('error', { operation: 'refresh', key: call.key, error });
  });
}

function produce<T>(
  engine: CacheEngine,
  call: ReadCall<T>,
  stale: CacheEntry | undefined,
  previous: CacheEntry | undefined,
): Promise<T> {
  const running = engine.refreshes.get(call.key) as Promise<T> | undefined;
  if (running !== undefined && stale !== undefined) {
    // A background refresh is already on it: the stale value is the best answer now.
    serveStale(engine, call, 'soft-timeout', undefined);
    return Promise.resolve(stale.value as T);
  }
  const run = running ?? startFactory(engine, call, stale, previous);
  if (stale === undefined) return run;
  return failSafe(engine, call, run, stale);
}

function serveStale<T>(
  engine: CacheEngine,
  call: ReadCall<T>,
  reason: 'error' | 'soft-timeout',
  error: unknown,
): void {
  call.counters.stale++;
  if (engine.emitter.has('stale')) {
    engine.emitter.emit(
      'stale',
      error === undefined ? { key: call.key, reason } : { key: call.key, reason, error },
    );
  }
}

/** Serves `stale` if the factory fails, or if it is still running after the soft timeout. */
function failSafe<T>(engine: CacheEngine, call: ReadCall<T>, run: Promise<T>, stale: CacheEntry): Promise<T> {
  const soft = call.policy.soft;
  return new Promise<T>((resolve) => {
    let settled = false;
    const timer =
      soft === undefined
        ? undefined
        : engine.clock.setTimeout(() => {
            if (settled) return;
            settled = true;
            serveStale(engine, call, 'soft-timeout', undefined);
            resolve(stale.value as T);
          }, soft);
    run.then(
      (value) => {
        if (settled) return;
        settled = true;
        if (timer !== undefined) engine.clock.clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        if (settled) return;
        settled = true;
        if (timer !== undefined) engine.clock.clearTimeout(timer);
        serveStale(engine, call, 'error', error);
        resolve(stale.value as T);
      },
    );
  });
}

/** Runs the factory once per key (joined by later callers) and writes its value through. */
function startFactory<T>(
  engine: CacheEngine,
  call: ReadCall<T>,
  stale: CacheEntry | undefined,
  previous: CacheEntry | undefined,
): Promise<T> {
  const run = runFactory(engine, call, stale, previous);
  engine.refreshes.set(call.key, run);
  const done = (): void => {
    if (engine.refreshes.get(call.key) === run) engine.refreshes.delete(call.key);
  };
  run.then(done, done);
  return run;
}
