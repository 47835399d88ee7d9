import type { Clock, TimerHandle } from '@ballast/core';
import type { CacheEntry } from '../tier.js';
import type { TierRunner } from './tier-runner.js';

/** One pending write to the slower tiers. */
export type PendingWrite =
  | { kind: 'set'; key: string; entry: CacheEntry; attempts: number }
  | { kind: 'delete'; key: string; attempts: number };

/** What write-behind tells its owner. */
export interface WriteBehindHooks {
  /** After each batch: the keys whose writes reached every slower tier. */
  flushed(keys: readonly string[]): void;
  /** A write given up after `maxAttempts` failures. */
  dropped(key: string, operation: 'set' | 'delete', attempts: number): void;
}

/** Resolved write-behind settings. */
export interface WriteBehindSettings {
  readonly flushInterval: number;
  readonly maxBatch: number;
  readonly maxQueue: number;
  readonly maxAttempts: number;
}

/**
 * Write-behind: writes to the slower tiers are queued and flushed in batches every
 * `flushInterval`; a batch goes out concurrently (ioredis pipelines it). Once a batch is
 * written, `hooks.flushed` gets its keys: only then may other processes be told to drop
 * their copies, or they would read the old value again from the shared tier and keep it.
 *
 * The queue holds one write per key, the latest: a set or delete of a key already queued
 * replaces the queued one, so the slower tiers always end with the write the caller made
 * last. A failed write is queued again until `maxAttempts`, unless a newer write of its key
 * was queued meanwhile (the newer one wins, the failed one is dropped as outdated). Writers
 * are admitted in call order; a full queue makes them wait for a flush (backpressure)
 * instead of dropping writes.
 */
export class WriteBehind {
  /** The latest pending write of each key, in the order keys were first queued. */
  #queue = new Map<string, PendingWrite>();
  /** The writes of the flush under way. */
  #round: ReadonlyMap<string, PendingWrite> | undefined;
  readonly #timer: TimerHandle;
  #flushing: Promise<void> | undefined;
  /** The last writer waiting for room, so that later writers queue behind it. */
  #waiting: Promise<void> | undefined;
  /** Writes that reached every slower tier. */
  flushed = 0;
  /** Failed attempts. */
  failed = 0;
  /** Writes dropped after `maxAttempts` failures. */
  dropped = 0;
  /** Writes replaced before they were written: by a newer write of their key, or by `clear()`/`deleteByTag()`. */
  superseded = 0;

  constructor(
    readonly runner: TierRunner,
    readonly indexes: readonly number[],
    readonly clock: Clock,
    readonly settings: WriteBehindSettings,
    readonly hooks: WriteBehindHooks,
  ) {
    this.#timer = clock.setInterval(() => void this.flush(), settings.flushInterval).unref();
  }

  get pending(): number {
    return this.#queue.size;
  }

  /** The latest write of `key` that the slower tiers may not have yet (queued or being flushed). */
  latest(key: string): PendingWrite | undefined {
    return this.#queue.get(key) ?? this.#round?.get(key);
  }

  set(key: string, entry: CacheEntry): Promise<void> {
    return this.#enqueue({ kind: 'set', key, entry, attempts: 0 });
  }

  delete(key: string): Promise<void> {
    return this.#enqueue({ kind: 'delete', key, attempts: 0 });
  }

  /** Sends one pass over everything queued now; concurrent calls share the pass. */
  flush(): Promise<void> {
    this.#flushing ??= this.#drain().finally(() => {
      this.#flushing = undefined;
    });
    return this.#flushing;
  }

  /**
   * Settles the queued writes `clear()` or `deleteByTag()` overtakes, after their flush:
   * a write that failed in it must not reach the slower tiers afterwards and bring the key
   * back. `clear()` drops them (it wipes every tier); `deleteByTag()` turns each into a
   * delete of its key, since the slower tiers may still hold an older, untagged version.
   */
  overtake(matches: (write: PendingWrite) => boolean, then: 'drop' | 'delete'): void {
    for (const [key, write] of this.#queue) {
      if (!matches(write)) continue;
      this.superseded++;
      if (then === 'drop') this.#queue.delete(key);
      else this.#queue.set(key, { kind: 'delete', key, attempts: 0 });
    }
  }

  /** False once {@link WriteBehind.close} has drained the queue: writes then go straight through. */
  open = true;

  /** Flushes until the queue is empty (or every write ran out of attempts), then stops the timer. */
  async close(): Promise<void> {
    this.clock.clearTimeout(this.#timer);
    while (this.#waiting !== undefined || this.#queue.size > 0) {
      await this.#waiting;
      await this.flush();
    }
    this.open = false;
  }

  /**
   * Queues a write right away when there is room and nobody waits; otherwise behind the
   * writers already waiting, so that the queue sees writes in the order callers made them.
   */
  #enqueue(write: PendingWrite): Promise<void> {
    if (this.#waiting === undefined && this.#fits(write.key)) {
      this.#put(write);
      return Promise.resolve();
    }
    const turn: Promise<void> = (this.#waiting ?? Promise.resolve()).then(async () => {
      while (!this.#fits(write.key)) await this.flush();
      this.#put(write);
      if (this.#waiting === turn) this.#waiting = undefined;
    });
    this.#waiting = turn;
    return turn;
  }

  /** Queues a write in place of the key's queued one, if any. */
  #put(write: PendingWrite): void {
    if (this.#queue.has(write.key)) this.superseded++;
    this.#queue.set(write.key, write);
  }

  /** Whether a write of `key` can be queued now: it replaces a queued one or there is room. */
  #fits(key: string): boolean {
    return this.#queue.has(key) || this.#queue.size < this.settings.maxQueue;
  }

  async #drain(): Promise<void> {
    const writes = this.#queue;
    this.#queue = new Map();
    this.#round = writes;
    const round = [...writes.values()];
    for (let start = 0; start < round.length; start += this.settings.maxBatch) {
      const batch = round.slice(start, start + this.settings.maxBatch);
      const results = await Promise.all(batch.map((write) => this.#apply(write)));
      const written: string[] = [];
      results.forEach((ok, i) => {
        const write = batch[i]!;
        if (ok) {
          written.push(write.key);
          return;
        }
        this.failed++;
        write.attempts++;
        // A newer write of the key was queued while this one was out: it wins.
        if (this.#queue.has(write.key)) this.superseded++;
        else if (write.attempts < this.settings.maxAttempts) this.#queue.set(write.key, write);
        else {
          this.dropped++;
          this.hooks.dropped(write.key, write.kind, write.attempts);
        }
      });
      this.flushed += written.length;
      if (written.length > 0) this.hooks.flushed(written);
    }
    this.#round = undefined;
  }

  async #apply(write: PendingWrite): Promise<boolean> {
    const results = await Promise.all(
      this.indexes.map((index) =>
        write.kind === 'set'
          ? this.runner.set(index, write.key, write.entry)
          : this.runner.delete(index, write.key),
      ),
    );
    return results.every(Boolean);
  }
}
