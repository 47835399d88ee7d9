import type { Span } from '@opentelemetry/api';
import type { CacheEngine } from '../internal/engine.js';
import type { KeyWatch } from '../internal/key-watch.js';
import type { PendingWrite } from '../internal/write-behind.js';
import type { CacheEntry } from '../tier.js';
import { entryState } from '../ttl.js';

/** What the tiers held for a key. */
export interface TierRead {
  fresh: CacheEntry | undefined;
  stale: CacheEntry | undefined;
  /** The first entry seen in any state: adaptive TTL compares the new value with it. */
  previous: CacheEntry | undefined;
}

const RESOLVED = Promise.resolve();

/**
 * What a scan settles with once the tiers are read, given the scan and the context it was
 * started with; and what it does when reading (or `settle`) threw. A plain read answers
 * with what the tiers held ({@link readTiers}); a single-flight load answers with the
 * value, producing it on a miss (`single-flight.ts`), which saves a second continuation.
 */
export interface ScanEnd<R, C> {
  settle(read: TierRead, context: C): R | Promise<R>;
  fail(context: C, error: unknown): never;
}

/**
 * One pass over the tiers for a key: reads them in order until one holds a fresh entry,
 * backfilling the faster tiers with it, and remembers the first stale entry seen for
 * fail-safe. In-process tiers are read synchronously; each remote tier costs one
 * continuation on its guarded read, with handlers bound once per pass. It always settles
 * on a later turn than {@link TierScan.scan} was called, so a caller can register the
 * pass before it ends. (Not subclassed: one allocation per pass, no derived constructor.)
 */
export class TierScan<R, C> implements TierRead {
  fresh: CacheEntry | undefined = undefined;
  stale: CacheEntry | undefined = undefined;
  previous: CacheEntry | undefined = undefined;
  private index = 0;
  private span: Span | undefined = undefined;
  /** Set while the scan reads remote tiers, with the watch counts when it began. */
  private watch: KeyWatch | undefined = undefined;
  private changes = 0;
  private epoch = 0;
  private tagSeq = 0;

  constructor(
    private readonly engine: CacheEngine,
    private readonly key: string,
    private readonly end: ScanEnd<R, C>,
    private readonly context: C,
  ) {}

  /** Reads from the current tier on; settles with the {@link ScanEnd}'s answer. */
  scan(): Promise<R> {
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
      // Settle on a later turn, as a remote read would: the caller registers first.
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
      const { watches } = engine;
      this.watch = watches.watch(key);
      this.changes = this.watch.changes;
      this.epoch = watches.epoch;
      this.tagSeq = watches.tagSeq;
    }
    return reading.then(this.onEntry, this.onError);
  }

  /** Records what tier `index` held; true when it is fresh (the scan is over). */
  private seen(index: number, entry: CacheEntry | undefined): boolean {
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
          !engine.watches.overtaken(watch, this.changes, this.epoch, this.tagSeq, entry.tags)
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
  private queued(write: PendingWrite): R | Promise<R> {
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

  private readonly onEntry = (entry: CacheEntry | undefined): R | Promise<R> =>
    this.next(entry, false, undefined);

  private readonly onError = (error: unknown): R | Promise<R> => this.next(undefined, true, error);

  /** Ends the scan's remote reads, once. */
  private release(): void {
    const watch = this.watch;
    if (watch === undefined) return;
    this.watch = undefined;
    this.engine.watches.unwatch(this.key, watch);
  }

  /** Ends a scan without a remote read pending: after in-process tiers or a queued write. */
  private finish(): R | Promise<R> {
    this.release();
    try {
      return this.end.settle(this, this.context);
    } catch (error) {
      return this.end.fail(this.context, error);
    }
  }

  /** Continues after a remote read: the next tier, or the answer. */
  private next(entry: CacheEntry | undefined, failed: boolean, error: unknown): R | Promise<R> {
    const { engine, index } = this;
    try {
      if (failed) engine.runner.readFailed(index, this.key, this.span!, error);
      else {
        this.span!.end();
        // A copy older than a write this process could not make there yet: not an answer.
        if (entry !== undefined && engine.runner.recovery?.inDoubt(index, this.key) === true)
          entry = undefined;
      }
      if (this.seen(index, entry) || ++this.index >= engine.tiers.length) {
        this.release();
        return this.end.settle(this, this.context);
      }
      return this.scan();
    } catch (thrown) {
      this.release();
      return this.end.fail(this.context, thrown);
    }
  }
}

/** The end of a plain read: what the tiers held. */
const PLAIN: ScanEnd<TierRead, undefined> = {
  settle: (read) => read,
  fail: (_, error) => {
    throw error;
  },
};

/**
 * Reads the tiers in order until one holds a fresh entry, backfilling the faster tiers
 * with it; remembers the first stale entry seen for fail-safe.
 */
export function readTiers(engine: CacheEngine, key: string): Promise<TierRead> {
  return new TierScan(engine, key, PLAIN, undefined).scan();
}
