import { randomUUID } from 'node:crypto';
import type { Clock, Emitter } from '@ballast/core';
import type { BusMessage, CacheBus } from '../bus/bus.js';
import type { CacheEvents } from '../events.js';
import { type NamespaceCounters, namespaceCounters, type TierCounters } from '../stats.js';
import type { CacheEntry, CacheTier } from '../tier.js';
import type { TierRunner } from './tier-runner.js';
import type { WriteBehind, WriteBehindHooks } from './write-behind.js';

/** Deleted tags remembered for the watchers before a tag deletion counts as a clear. */
const MAX_DELETED_TAGS = 1_024;

/**
 * The slower-tier reads and factory runs of one key in flight (`watchers`), and how many
 * changes of the key they have seen.
 */
export interface KeyWatch {
  watchers: number;
  changes: number;
}

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
 * The state shared by a cache and its namespaces: tiers, in-flight loads, counters, and
 * the write and invalidation paths. The read path lives in `get-or-set.ts`.
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
  /** Caller-facing loads in flight, one per key (single flight). */
  readonly loads = new Map<string, Promise<unknown>>();
  /** Factory runs in flight, including background refreshes. */
  readonly refreshes = new Map<string, Promise<unknown>>();
  readonly namespaces = new Map<string, NamespaceCounters>();
  /** Identifies this process's messages on the bus. */
  readonly id = randomUUID();
  writeBehind: WriteBehind | undefined;
  /**
   * Changes of each key seen by the slower-tier reads and factory runs in flight. A read
   * or factory run that began before a change of its key must not cache what it got: the
   * change is newer.
   */
  readonly #watched = new Map<string, KeyWatch>();
  /** Bumped by changes that touch every key: a clear, a bus reconnect. */
  #epoch = 0;
  /** Counts tag deletions; `#deletedTags` remembers each deleted tag's count while anything is watched. */
  #tagSeq = 0;
  readonly #deletedTags = new Map<string, number>();
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
    this.#changed(key);
    if (this.l1 !== undefined) {
      this.l1.set(key, entry);
      this.l1Counters!.sets++;
    }
    if (this.writeBehind?.open === true) return this.writeBehind.set(key, entry);
    await Promise.all(this.#remote.map((index) => this.runner.set(index, key, entry)));
    // Reads that started while the slower tiers still held the old value.
    this.#changed(key);
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

  /**
   * Starts watching `key` for changes; pair with {@link CacheEngine.unwatch}. Remember
   * `watch.changes`, {@link CacheEngine.epoch} and {@link CacheEngine.tagSeq} to ask
   * {@link CacheEngine.overtaken} later.
   */
  watch(key: string): KeyWatch {
    let watch = this.#watched.get(key);
    if (watch === undefined) {
      watch = { watchers: 0, changes: 0 };
      this.#watched.set(key, watch);
    }
    watch.watchers++;
    return watch;
  }

  unwatch(key: string, watch: KeyWatch): void {
    if (--watch.watchers > 0) return;
    this.#watched.delete(key);
    if (this.#watched.size === 0 && this.#deletedTags.size > 0) this.#deletedTags.clear();
  }

  /** Counts changes that touch every key: clears and bus reconnects. */
  get epoch(): number {
    return this.#epoch;
  }

  /** Counts tag deletions. */
  get tagSeq(): number {
    return this.#tagSeq;
  }

  /**
   * Whether the key changed since its watcher saw `changes`, `epoch` and `tagSeq`: a set
   * or delete of the key, a clear, or the deletion of one of `tags` (the tags of what the
   * watcher is about to cache).
   */
  overtaken(
    watch: KeyWatch,
    changes: number,
    epoch: number,
    tagSeq: number,
    tags: readonly string[],
  ): boolean {
    if (watch.changes !== changes || this.#epoch !== epoch) return true;
    if (this.#tagSeq === tagSeq) return false;
    for (const tag of tags) {
      const deleted = this.#deletedTags.get(tag);
      if (deleted !== undefined && deleted > tagSeq) return true;
    }
    return false;
  }

  /** Records the deletion of `tags` for the watchers (beyond a bound, as a change of every key). */
  #tagsDeleted(tags: readonly string[]): void {
    this.#tagSeq++;
    if (this.#watched.size === 0) return;
    if (this.#deletedTags.size + tags.length > MAX_DELETED_TAGS) {
      this.#deletedTags.clear();
      this.#epoch++;
      return;
    }
    for (const tag of tags) this.#deletedTags.set(tag, this.#tagSeq);
  }

  /** Records a change of `key` for its watchers. */
  #changed(key: string): void {
    const watch = this.#watched.get(key);
    if (watch !== undefined) watch.changes++;
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
    this.#changed(key);
    if (this.l1 !== undefined) {
      this.l1.delete(key);
      this.l1Counters!.deletes++;
    }
    if (this.writeBehind?.open === true) return this.writeBehind.delete(key);
    await Promise.all(this.#remote.map((index) => this.runner.delete(index, key)));
    this.#changed(key);
    void this.publish({ type: 'delete', keys: [key] });
  }

  async deleteByTags(tags: readonly string[]): Promise<void> {
    this.#tagsDeleted(tags);
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
    this.#tagsDeleted(tags);
    void this.publish({ type: 'tag', tags });
  }

  async clear(): Promise<void> {
    this.#epoch++;
    await this.writeBehind?.flush();
    this.writeBehind?.overtake(() => true, 'drop');
    await Promise.all(this.tiers.map((_, index) => this.runner.clear(index)));
    this.#epoch++;
    void this.publish({ type: 'clear' });
  }

  /** Applies another process's invalidation to this process's local tiers. */
  receive(message: BusMessage): void {
    if (message.from === this.id || message.cache !== this.name) return;
    if (message.type === 'delete') for (const key of message.keys) this.#changed(key);
    else if (message.type === 'tag') this.#tagsDeleted(message.tags);
    else this.#epoch++;
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
    this.#epoch++;
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
