import type { Clock, TimerHandle } from '@ballast/core';
import type { CacheEntry } from '../tier.js';
import type { TierRunner } from './tier-runner.js';

/** One pending write to the slower tiers. */
type PendingWrite =
  | { kind: 'set'; key: string; entry: CacheEntry; attempts: number }
  | { kind: 'delete'; key: string; attempts: number };

/** Resolved write-behind settings. */
export interface WriteBehindSettings {
  readonly flushInterval: number;
  readonly maxBatch: number;
  readonly maxQueue: number;
  readonly maxAttempts: number;
}

/**
 * Write-behind: writes to the slower tiers are queued and flushed in batches every
 * `flushInterval`; a batch goes out concurrently (ioredis pipelines it). A failed write
 * goes back to the queue until `maxAttempts`; a full queue makes the writer wait for a
 * flush (backpressure) instead of dropping writes.
 */
export class WriteBehind {
  readonly #queue: PendingWrite[] = [];
  readonly #timer: TimerHandle;
  #flushing: Promise<void> | undefined;
  /** Writes dropped after `maxAttempts` failures. */
  dropped = 0;

  constructor(
    readonly runner: TierRunner,
    readonly indexes: readonly number[],
    readonly clock: Clock,
    readonly settings: WriteBehindSettings,
  ) {
    this.#timer = clock.setInterval(() => void this.flush(), settings.flushInterval).unref();
  }

  get pending(): number {
    return this.#queue.length;
  }

  async set(key: string, entry: CacheEntry): Promise<void> {
    await this.#room();
    this.#queue.push({ kind: 'set', key, entry, attempts: 0 });
  }

  async delete(key: string): Promise<void> {
    await this.#room();
    this.#queue.push({ kind: 'delete', key, attempts: 0 });
  }

  /** Sends one pass over everything queued now; concurrent calls share the pass. */
  flush(): Promise<void> {
    this.#flushing ??= this.#drain().finally(() => {
      this.#flushing = undefined;
    });
    return this.#flushing;
  }

  /** Flushes until the queue is empty (or every write ran out of attempts), then stops the timer. */
  async close(): Promise<void> {
    this.clock.clearTimeout(this.#timer);
    while (this.#queue.length > 0) await this.flush();
  }

  async #room(): Promise<void> {
    while (this.#queue.length >= this.settings.maxQueue) await this.flush();
  }

  async #drain(): Promise<void> {
    const round = this.#queue.splice(0, this.#queue.length);
    const retry: PendingWrite[] = [];
    for (let start = 0; start < round.length; start += this.settings.maxBatch) {
      const batch = round.slice(start, start + this.settings.maxBatch);
      const results = await Promise.all(batch.map((write) => this.#apply(write)));
      results.forEach((ok, i) => {
        const write = batch[i]!;
        if (ok) return;
        write.attempts++;
        if (write.attempts < this.settings.maxAttempts) retry.push(write);
        else this.dropped++;
      });
    }
    this.#queue.unshift(...retry);
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
