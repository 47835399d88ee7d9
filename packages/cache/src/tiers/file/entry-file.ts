import type { Serializer } from '../../serializer.js';
import type { CacheEntry } from '../../tier.js';

/**
 * What an entry file holds: the key (a file is found by the hash of its key, so the key
 * inside tells a collision or a foreign file apart) and the entry, under one-letter names.
 */
interface EntryRecord {
  k: string;
  v: unknown;
  c: number;
  f: number;
  s: number;
  l: number;
  t: readonly string[];
}

/** An entry read back from its file, with the key it was written for. */
export interface StoredEntry {
  key: string;
  entry: CacheEntry;
}

/** The contents of `key`'s file. */
export function encodeEntry(serializer: Serializer, key: string, entry: CacheEntry): string {
  const record: EntryRecord = {
    k: key,
    v: entry.value,
    c: entry.createdAt,
    f: entry.freshUntil,
    s: entry.staleUntil,
    l: entry.ttl,
    t: entry.tags,
  };
  return serializer.serialize(record);
}

/** The entry in a file's contents, or `undefined` when they cannot be read back (corrupt or foreign). */
export function decodeEntry(serializer: Serializer, raw: string): StoredEntry | undefined {
  let data: Record<string, unknown> | null;
  try {
    data = serializer.deserialize(raw) as Record<string, unknown> | null;
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null || typeof data.k !== 'string') return undefined;
  const { k, v, c, f, s, l, t } = data;
  if (v === undefined || typeof c !== 'number' || typeof f !== 'number' || typeof s !== 'number')
    return undefined;
  if (typeof l !== 'number' || !Array.isArray(t)) return undefined;
  return {
    key: k,
    entry: { value: v, createdAt: c, freshUntil: f, staleUntil: s, ttl: l, tags: t as string[] },
  };
}
