import { integerOption, invalidOption, sizeOption } from '@ballast/errors';
import { LRUCache } from 'lru-cache';
import { ENTRY_OVERHEAD, estimateBytes } from '../internal/size.js';
import { tierName } from '../internal/tier-name.js';
import type { CacheEntry, CacheTier, TierStats } from '../tier.js';

/** Options for {@link memoryTier}. */
export interface MemoryTierOptions {
  /**
   * The most entries kept; the least recently used go first.
   * @defaultValue 10000
   */
  maxEntries?: number;
  /**
   * The most bytes kept, by the `sizeOf` estimate; the least recently used go first.
   * Accepts a number or a string such as `'50MB'` (binary units: `'1KB'` is 1024 bytes).
   * @defaultValue no byte limit
   */
  maxBytes?: number | string;
  /**
   * Estimates an entry's size in bytes.
   * @defaultValue a structural estimate (two bytes per string character, plus overhead)
   */
  sizeOf?: (value: unknown, key: string) => number;
  /** The tier's name in stats, events and metrics. @defaultValue 'memory' */
  name?: string;
}

/**
 * Reads a byte size option: a number of bytes or a string like `'512KB'`, `'50MB'`, `'2GiB'`
 * (the grammar of `parseSize` from `@ballast/core`: binary units, `KB` = `KiB` = 1024 bytes).
 * @deprecated Use `parseSize` from `@ballast/core`, or `sizeOption` from `@ballast/errors`
 * for an option that should fail with a `ConfigurationError`.
 * @throws ConfigurationError naming the option for anything but a size of at least one byte.
 */
export function parseBytes(option: string, value: number | string): number {
  return sizeOption(option, value, 1);
}

class TagIndex {
  readonly #byTag = new Map<string, Set<string>>();

  add(key: string, tags: readonly string[]): void {
    for (const tag of tags) {
      let keys = this.#byTag.get(tag);
      if (keys === undefined) {
        keys = new Set();
        this.#byTag.set(tag, keys);
      }
      keys.add(key);
    }
  }

  remove(key: string, tags: readonly string[]): void {
    for (const tag of tags) {
      const keys = this.#byTag.get(tag);
      if (keys === undefined) continue;
      keys.delete(key);
      if (keys.size === 0) this.#byTag.delete(tag);
    }
  }

  take(tag: string): string[] {
    const keys = this.#byTag.get(tag);
    return keys === undefined ? [] : [...keys];
  }

  clear(): void {
    this.#byTag.clear();
  }
}

/**
 * An in-process tier on lru-cache: synchronous reads (so L1 hits cost no promise),
 * least-recently-used eviction by entry count and by estimated bytes, and a tag index.
 * Values are stored by reference: do not mutate a value after caching it.
 *
 * @throws ConfigurationError for a bad `maxEntries` or `maxBytes`.
 */
export function memoryTier(options: MemoryTierOptions = {}): CacheTier {
  const maxBytes =
    options.maxBytes === undefined ? undefined : parseBytes('memoryTier.maxBytes', options.maxBytes);
  // lru-cache preallocates `max` slots: only bound the count by default when bytes are unbounded.
  const maxEntries =
    options.maxEntries === undefined && maxBytes !== undefined
      ? undefined
      : integerOption('memoryTier.maxEntries', options.maxEntries ?? 10_000, 1);
  if (options.sizeOf !== undefined && typeof options.sizeOf !== 'function') {
    throw invalidOption('memoryTier.sizeOf', options.sizeOf, 'a function (value, key) => bytes');
  }
  const sizeOf: (value: unknown, key: string) => number = options.sizeOf ?? ((value) => estimateBytes(value));
  const name = tierName('memoryTier', options.name, 'memory');
  const tags = new TagIndex();
  let evictions = 0;
  const limits: { max?: number; maxSize?: number } = {};
  if (maxEntries !== undefined) limits.max = maxEntries;
  if (maxBytes !== undefined) limits.maxSize = maxBytes;
  const lru = new LRUCache<string, CacheEntry>({
    ...limits,
    maxEntrySize: maxBytes ?? Number.MAX_SAFE_INTEGER,
    sizeCalculation: (entry: CacheEntry, key: string) =>
      Math.max(1, ENTRY_OVERHEAD + key.length * 2 + Math.round(sizeOf(entry.value, key))),
    dispose: (entry: CacheEntry, key: string, reason: LRUCache.DisposeReason) => {
      if (entry.tags.length > 0) tags.remove(key, entry.tags);
      if (reason === 'evict') evictions++;
    },
  } as LRUCache.Options<string, CacheEntry, unknown>);

  return {
    name,
    shared: false,
    getSync: (key) => lru.get(key),
    get: (key) => lru.get(key),
    set(key, entry) {
      lru.set(key, entry);
      // lru-cache refuses entries larger than maxEntrySize; only index what it kept.
      if (entry.tags.length > 0 && lru.peek(key) === entry) tags.add(key, entry.tags);
    },
    delete(key) {
      lru.delete(key);
    },
    deleteByTag(tag) {
      for (const key of tags.take(tag)) lru.delete(key);
    },
    clear() {
      lru.clear();
      tags.clear();
    },
    stats(): TierStats {
      return { entries: lru.size, bytes: lru.calculatedSize, evictions };
    },
  };
}
