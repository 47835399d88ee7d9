import { type Clock, systemClock } from '@ballast/core';
import { invalidOption } from '@ballast/errors';
import { CorruptEntryError } from '../../errors.js';
import { tierName } from '../../internal/tier-name.js';
import { jsonSerializer, type Serializer } from '../../serializer.js';
import type { CacheTier } from '../../tier.js';
import { parseBytes } from '../memory.js';
import { decodeEntry, encodeEntry } from './entry-file.js';
import { entryPath, isShard, tempPath } from './layout.js';
import { nodeApis } from './node-apis.js';
import { FileRecords } from './records.js';
import { WriteOrder } from './write-order.js';

/** Options for {@link fileTier}. */
export interface FileTierOptions {
  /** The directory entries live in (created on first write). Give each cache its own. */
  dir: string;
  /**
   * The most bytes of entry files kept; the least recently used files go first.
   * @defaultValue '1GB'
   */
  maxBytes?: number | string;
  /** Turns envelopes into file contents and back. @defaultValue JSON */
  serializer?: Serializer;
  /** Decides when a file is past its stale-until and can be removed. @defaultValue systemClock */
  clock?: Clock;
  /** The tier's name in stats, events and metrics. @defaultValue 'file' */
  name?: string;
}

const ignore = (): void => {};

/**
 * A tier on the local disk: one file per entry under two levels of sharded directories,
 * written atomically (temp file + rename) so a crash never leaves a torn entry, and the
 * least recently used files evicted beyond `maxBytes`. Writes and deletes of one key apply
 * in call order, even when not awaited, and `clear()`/`deleteByTag()` apply after the
 * writes called before them. The index of sizes and tags is built from the directory on
 * first use (which also removes temp files a crash left) and kept in memory, so give one
 * process its own directory. A file that cannot be read back is deleted and treated as a miss.
 *
 * Its parts, each in its own file beside this one: `layout.ts` (where files go),
 * `entry-file.ts` (what a file holds), `records.ts` (the in-memory index, LRU order and
 * eviction), `write-order.ts` (the per-key queues and the clear/tag barrier) and
 * `node-apis.ts` (the Node built-ins, loaded when a tier is created).
 *
 * @throws ConfigurationError for a missing `dir` or a bad `maxBytes`, or in a runtime
 * without `node:fs` (a browser).
 */
export function fileTier(options: FileTierOptions): CacheTier {
  const dir = options.dir;
  if (typeof dir !== 'string' || dir.length === 0)
    throw invalidOption('fileTier.dir', dir, 'a directory path');
  const maxBytes = parseBytes('fileTier.maxBytes', options.maxBytes ?? '1GB');
  const serializer = options.serializer ?? jsonSerializer;
  const clock = options.clock ?? systemClock;
  const name = tierName('fileTier', options.name, 'file');
  const { mkdir, readdir, readFile, rename, rm, unlink, writeFile } = nodeApis().fs;
  const { join } = nodeApis().path;
  const records = new FileRecords(dir, serializer, maxBytes);
  const order = new WriteOrder();
  const pathOf = (key: string): string => entryPath(dir, key);

  const remove = async (key: string): Promise<void> => {
    records.forget(key);
    await unlink(pathOf(key)).catch(ignore);
  };
  /** Removes a file a read found expired or corrupt, unless a later write has replaced it meanwhile. */
  const discard = (key: string, seen: string): Promise<void> =>
    order.inOrder(key, async () => {
      const current = await readFile(pathOf(key), 'utf8').catch(() => undefined);
      if (current === seen) await remove(key);
    });
  const evict = async (): Promise<void> => {
    // A key with a queued write is about to be rewritten and accounted again.
    for (const key of records.victims((queued) => order.pending(queued))) await remove(key);
  };

  return {
    name,
    shared: false,

    async get(key) {
      await records.load();
      let raw: string;
      try {
        raw = await readFile(pathOf(key), 'utf8');
      } catch {
        // Missing: forget it, unless a queued write is about to create it.
        if (!order.pending(key)) records.forget(key);
        return undefined;
      }
      const stored = decodeEntry(serializer, raw);
      if (stored === undefined || stored.key !== key) {
        await discard(key, raw);
        throw new CorruptEntryError({ tier: name, key });
      }
      if (clock.now() >= stored.entry.staleUntil) {
        await discard(key, raw);
        return undefined;
      }
      records.touch(key);
      return stored.entry;
    },

    async set(key, entry) {
      // Serialized now, queued at once: the call order decides which write lands last.
      const payload = encodeEntry(serializer, key, entry);
      const size = Buffer.byteLength(payload);
      return order.inOrder(key, async () => {
        await records.load();
        if (size > maxBytes) return remove(key);
        const path = pathOf(key);
        const temp = tempPath(path);
        await mkdir(join(path, '..'), { recursive: true });
        await writeFile(temp, payload);
        await rename(temp, path);
        records.add(key, size, entry.tags);
        if (records.total > maxBytes) await evict();
      });
    },

    delete(key) {
      return order.inOrder(key, async () => {
        await records.load();
        await remove(key);
      });
    },

    deleteByTag(tag) {
      return order.exclusive(async () => {
        await records.load();
        await Promise.all(records.taggedWith(tag).map(remove));
      });
    },

    clear() {
      return order.exclusive(async () => {
        await records.load();
        records.clear();
        const shards = await readdir(dir).catch(() => [] as string[]);
        await Promise.all(
          shards.filter(isShard).map((shard) => rm(join(dir, shard), { recursive: true, force: true })),
        );
      });
    },

    stats: () => ({ entries: records.size, bytes: records.total, evictions: records.evictions }),
  };
}
