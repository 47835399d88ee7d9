import type { Clock, Emitter } from '@ballast/core';
import type { BusMessage, CacheBus } from '../bus/bus.js';
import type { CacheEvents } from '../events.js';
import { type NamespaceCounters, namespaceCounters, type TierCounters } from '../stats.js';
import { telemetry } from '../telemetry.js';
import type { CacheEntry, CacheTier } from '../tier.js';
import { KeyWatches } from './key-watch.js';
import type { TierRunner } from './tier-runner.js';
import type { WriteBehind, WriteBehindHooks } from './write-behind.js';

/** Everything the engine is built from. */
export interface EngineParts {
  readonly name: string;
  readonly tiers: readonly CacheTier[];
  readonly runner: TierRunner;
  readonly clock: Clock;
  readonly random: () => number;
  readonly emitter: Emitter<CacheEvents>;
  readonly bus: CacheBus | undefined;
  readonly maxKeyLength: number;
}

/**
 * The state shared by a cache and its namespaces: tiers, counters, and the write and
 * invalidation paths (set, delete, tag deletion, clear, and what other processes tell
 * over the bus). Every change is reported to {@link CacheEngine.watches}, where the read
 * path (`read/`) learns what it overtook.
 */
export class CacheEngine implements WriteBehindHooks {
  readonly name: string;
  readonly tiers: readonly CacheTier[];
  readonly runner: TierRunner;
  readonly clock: Clock;
  readonly random: () => number;
  readonly emitter: Emitter<CacheEvents>;
  readonly bus: CacheBus | undefined;
  readonly maxKeyLength: number;
  /** The in-process first tier, read synchronously on the hot path. */
  readonly l1: CacheTier | undefined;
  readonly l1Counters: TierCounters | undefined;
  /** Index of the first tier that can lock, for cross-process single flight. */
  readonly lockTier: number;
  readonly namespaces = new Map<string, NamespaceCounters>();
  /** Identifies this process's messages on the bus (Web Crypto's randomUUID: no node:crypto import, so the package bundles for a browser). */
  readonly id = globalThis.crypto.randomUUID();
  writeBehind: WriteBehind | undefined;
  /** What each change overtakes, for the reads and factory runs in flight. */
  readonly watches = new KeyWatches();
  readonly #remote: number[];
  readonly #local: number[];

  constructor(parts: EngineParts) {
    this.name = parts.name;
    this.tiers = parts.tiers;
    this.runner = parts.runner;
    this.clock = parts.clock;
    this.random = parts.random;
    this.emitter = parts.emitter;
    this.bus = parts.bus;
    this.maxKeyLength = parts.maxKeyLength;
    const first = this.tiers[0];
    this.l1 = first?.getSync === undefined ? undefined : first;
    this.l1Counters = this.l1 === undefined ? undefined : this.runner.counters[0];
    this.#remote = this.tiers.map((_, i) => i).filter((i) => i > 0 || this.l1 === undefined);
    this.#local = this.tiers.map((tier, i) => (tier.shared === true ? -1 : i)).filter((i) => i >= 0);
    this.lockTier = this.tiers.findIndex((tier) => typeof tier.lock === 'function');
  }

  /** The counters of a namespace, created on first use. */
  counters(namespace: string): NamespaceCounters {
    let counters = this.namespaces.get(namespace);
    if (counters === undefined) {
      counters = namespaceCounters();
      this.namespaces.set(namespace, counters);
    }
    return counters;
  }

  /** Indexes of the tiers that are not the synchronous L1. */
  get remote(): readonly number[] {
    return this.#remote;
  }

  /**
   * Writes an entry to every tier (L1 first, synchronously), then tells other processes.
   * With write-behind the write is only queued here: other processes are told once it has
   * been flushed (see {@link CacheEngine.flushed}).
   */
  async write(key: string, entry: CacheEntry): Promise<void> {
    // Resolves the instruments under a meter provider registered since the last write, so
    // a cache built before the SDK started publishes its metrics once it is registered.
    telemetry.instruments();
    this.watches.changed(key);
    if (this.l1 !== undefined) {
      this.l1.set(key, entry);
      this.l1Counters!.sets++;
    }
    if (this.writeBehind?.open === true) return this.writeBehind.set(key, entry);
    await Promise.all(this.#remote.map((index) => this.runner.set(index, key, entry)));
    // Reads that started while the slower tiers still held the old value.
    this.watches.changed(key);
    void this.publish({ type: 'delete', keys: [key] });
  }

  /**
   * Write-behind wrote these keys to the slower tiers: now other processes may drop their
   * copies. Telling them earlier would let them re-read the old value from the shared tier
   * before the flush and keep it for its whole TTL.
   */
  flushed(keys: readonly string[]): void {
    void this.publish({ type: 'delete', keys });
  }

  /** Write-behind gave up on a write: reported, since the slower tiers now miss it. */
  dropped(key: string, operation: 'set' | 'delete', attempts: number): void {
    this.emitter.emit('write-behind:drop', { key, operation, attempts });
  }

  /** Copies an entry found in a slower tier into the faster ones, with its remaining life. */
  backfill(found: number, key: string, entry: CacheEntry): void {
    for (let index = 0; index < found; index++) {
      if (index === 0 && this.l1 !== undefined) {
        this.l1.set(key, entry);
        continue;
      }
      void this.runner.set(index, key, entry);
    }
  }

  async delete(key: string): Promise<void> {
    this.watches.changed(key);
    if (this.l1 !== undefined) {
      this.l1.delete(key);
      this.l1Counters!.deletes++;
    }
    if (this.writeBehind?.open === true) return this.writeBehind.delete(key);
    await Promise.all(this.#remote.map((index) => this.runner.delete(index, key)));
    this.watches.changed(key);
    void this.publish({ type: 'delete', keys: [key] });
  }

  async deleteByTags(tags: readonly string[]): Promise<void> {
    this.watches.tagsDeleted(tags);
    await this.writeBehind?.flush();
    this.writeBehind?.overtake(
      (write) => write.kind === 'set' && write.entry.tags.some((tag) => tags.includes(tag)),
      'delete',
    );
    await Promise.all(
      this.tiers.flatMap((tier, index) =>
        tier.deleteByTag === undefined ? [] : tags.map((tag) => this.runner.deleteByTag(index, tag)),
      ),
    );
    this.watches.tagsDeleted(tags);
    void this.publish({ type: 'tag', tags });
  }

  async clear(): Promise<void> {
    this.watches.allChanged();
    await this.writeBehind?.flush();
    this.writeBehind?.overtake(() => true, 'drop');
    await Promise.all(this.tiers.map((_, index) => this.runner.clear(index)));
    this.watches.allChanged();
    void this.publish({ type: 'clear' });
  }

  /** Applies another process's invalidation to this process's local tiers. */
  receive(message: BusMessage): void {
    if (message.from === this.id || message.cache !== this.name) return;
    if (message.type === 'delete') for (const key of message.keys) this.watches.changed(key);
    else if (message.type === 'tag') this.watches.tagsDeleted(message.tags);
    else this.watches.allChanged();
    for (const index of this.#local) {
      if (message.type === 'delete') for (const key of message.keys) void this.runner.delete(index, key);
      else if (message.type === 'tag')
        for (const tag of message.tags) void this.runner.deleteByTag(index, tag);
      else void this.runner.clear(index);
    }
    if (message.type === 'delete') this.emitter.emit('invalidate', { type: 'delete', keys: message.keys });
    else if (message.type === 'tag') this.emitter.emit('invalidate', { type: 'tag', tags: message.tags });
    else this.emitter.emit('invalidate', { type: 'clear' });
  }

  /** After a bus reconnect messages may have been lost: drop everything held locally. */
  reconnected(): void {
    this.watches.allChanged();
    for (const index of this.#local) void this.runner.clear(index);
    this.emitter.emit('bus:reconnect', {});
  }

  /**
   * Tells other processes. Never awaited by writers: a black-holed bus must not stall
   * writes, and a failed publish is only reported.
   */
  async publish(
    message:
      | { type: 'delete'; keys: readonly string[] }
      | { type: 'tag'; tags: readonly string[] }
      | { type: 'clear' },
  ): Promise<void> {
    if (this.bus === undefined) return;
    try {
      await this.bus.publish({ ...message, from: this.id, cache: this.name } as BusMessage);
    } catch (error) {
      this.emitter.emit('error', { operation: 'publish', tier: 'bus', error });
    }
  }
}
