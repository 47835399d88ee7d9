import { mkdir, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Clock, systemClock } from '@ballast/core';
import { invalidOption } from '@ballast/errors';
import { CorruptEntryError } from '../errors.js';
import { tierName } from '../internal/tier-name.js';
import { jsonSerializer, type Serializer } from '../serializer.js';
import type { CacheEntry, CacheTier } from '../tier.js';
import { parseBytes } from './memory.js';

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

interface FileRecord {
  size: number;
  tags: readonly string[];
}

/** node:crypto, loaded on first use: importing it costs more than this whole module. */
let crypto: typeof import('node:crypto') | undefined;
const nodeCrypto = () => (crypto ??= process.getBuiltinModule('node:crypto'));

const SHARD = /^[0-9a-f]{2}$/;
/** A temp file of `set` (`<hash>.json.<pid>.<random>.tmp`), renamed into place once written. */
const TEMP = /\.json\.\d+\.[0-9a-f]{8}\.tmp$/;
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
 * @throws ConfigurationError for a missing `dir` or a bad `maxBytes`.
 */
export function fileTier(options: FileTierOptions): CacheTier {
  const dir = options.dir;
  if (typeof dir !== 'string' || dir.length === 0)
    throw invalidOption('fileTier.dir', dir, 'a directory path');
  const maxBytes = parseBytes('fileTier.maxBytes', options.maxBytes ?? '1GB');
  const serializer = options.serializer ?? jsonSerializer;
  const clock = options.clock ?? systemClock;
  const name = tierName('fileTier', options.name, 'file');
  /** Files in least-recently-used order (Map order), with their sizes and tags. */
  const records = new Map<string, FileRecord>();
  let total = 0;
  let evictions = 0;
  let loading: Promise<void> | undefined;
  /** Each key's last queued write or delete (settled, never rejecting) while one is pending. */
  const queued = new Map<string, Promise<void>>();
  /** The last `clear()` or `deleteByTag()` (settled): writes called after it wait for it. */
  let barrier: Promise<void> = Promise.resolve();

  const pathOf = (key: string): string => {
    const hash = nodeCrypto().createHash('sha1').update(key).digest('hex');
    return join(dir, hash.slice(0, 2), hash.slice(2, 4), `${hash}.json`);
  };
  const forget = (key: string): void => {
    const record = records.get(key);
    if (record === undefined) return;
    total -= record.size;
    records.delete(key);
  };
  const touch = (key: string): void => {
    const record = records.get(key);
    if (record === undefined) return;
    records.delete(key);
    records.set(key, record);
  };
  const remove = async (key: string): Promise<void> => {
    forget(key);
    await unlink(pathOf(key)).catch(ignore);
  };
  const parse = (raw: string): { key: string; entry: CacheEntry } | undefined => {
    const data = serializer.deserialize(raw) as Record<string, unknown> | null;
    if (typeof data !== 'object' || data === null || typeof data.k !== 'string') return undefined;
    const { k, v, c, f, s, l, t } = data;
    if (v === undefined || typeof c !== 'number' || typeof f !== 'number' || typeof s !== 'number')
      return undefined;
    if (typeof l !== 'number' || !Array.isArray(t)) return undefined;
    return {
      key: k,
      entry: { value: v, createdAt: c, freshUntil: f, staleUntil: s, ttl: l, tags: t as string[] },
    };
  };
  /** Reads the directory once, so sizes and tags of files from earlier runs are known. */
  const load = (): Promise<void> => {
    loading ??= (async () => {
      const files = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
      for (const file of files) {
        // Left by a crash between writing a temp file and renaming it: nothing will rename it now.
        if (TEMP.test(file)) {
          await unlink(join(dir, file)).catch(ignore);
          continue;
        }
        if (!file.endsWith('.json')) continue;
        const path = join(dir, file);
        try {
          const [raw, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
          const parsed = parse(raw);
          if (parsed === undefined) throw new Error('unreadable');
          records.set(parsed.key, { size: info.size, tags: parsed.entry.tags });
          total += info.size;
        } catch {
          await unlink(path).catch(ignore);
        }
      }
    })();
    return loading;
  };
  /**
   * Runs `write` once every earlier write or delete of `key`, and the last `clear()` or
   * `deleteByTag()`, has settled: temp files renamed concurrently could land out of order
   * and leave an older value than the last write.
   */
  const inOrder = (key: string, write: () => Promise<void>): Promise<void> => {
    const run = (queued.get(key) ?? barrier).then(write);
    const settled = run.catch(ignore);
    queued.set(key, settled);
    void settled.then(() => {
      if (queued.get(key) === settled) queued.delete(key);
    });
    return run;
  };
  /** Runs `change` after every write called before it and before every write called after it. */
  const exclusive = (change: () => Promise<void>): Promise<void> => {
    const before = [barrier, ...queued.values()];
    queued.clear();
    const run = Promise.all(before).then(change);
    barrier = run.catch(ignore);
    return run;
  };
  /** Removes a file a read found expired or corrupt, unless a later write has replaced it meanwhile. */
  const discard = (key: string, seen: string): Promise<void> =>
    inOrder(key, async () => {
      const current = await readFile(pathOf(key), 'utf8').catch(() => undefined);
      if (current === seen) await remove(key);
    });
  const evict = async (): Promise<void> => {
    for (const [key] of records) {
      if (total <= maxBytes) return;
      // A key with a queued write is about to be rewritten and accounted again.
      if (queued.has(key)) continue;
      evictions++;
      await remove(key);
    }
  };

  return {
    name,
    shared: false,

    async get(key) {
      await load();
      let raw: string;
      try {
        raw = await readFile(pathOf(key), 'utf8');
      } catch {
        // Missing: forget it, unless a queued write is about to create it.
        if (!queued.has(key)) forget(key);
        return undefined;
      }
      let parsed: { key: string; entry: CacheEntry } | undefined;
      try {
        parsed = parse(raw);
      } catch {
        parsed = undefined;
      }
      if (parsed === undefined || parsed.key !== key) {
        await discard(key, raw);
        throw new CorruptEntryError({ tier: name, key });
      }
      if (clock.now() >= parsed.entry.staleUntil) {
        await discard(key, raw);
        return undefined;
      }
      touch(key);
      return parsed.entry;
    },

    async set(key, entry) {
      // Serialized now, queued at once: the call order decides which write lands last.
      const payload = serializer.serialize({
        k: key,
        v: entry.value,
        c: entry.createdAt,
        f: entry.freshUntil,
        s: entry.staleUntil,
        l: entry.ttl,
        t: entry.tags,
      });
      const size = Buffer.byteLength(payload);
      return inOrder(key, async () => {
        await load();
        if (size > maxBytes) return remove(key);
        const path = pathOf(key);
        const temp = `${path}.${process.pid}.${nodeCrypto().randomBytes(4).toString('hex')}.tmp`;
        await mkdir(join(path, '..'), { recursive: true });
        await writeFile(temp, payload);
        await rename(temp, path);
        forget(key);
        records.set(key, { size, tags: entry.tags });
        total += size;
        if (total > maxBytes) await evict();
      });
    },

    delete(key) {
      return inOrder(key, async () => {
        await load();
        await remove(key);
      });
    },

    deleteByTag(tag) {
      return exclusive(async () => {
        await load();
        const tagged = [...records].filter(([, record]) => record.tags.includes(tag)).map(([key]) => key);
        await Promise.all(tagged.map(remove));
      });
    },

    clear() {
      return exclusive(async () => {
        await load();
        records.clear();
        total = 0;
        const shards = await readdir(dir).catch(() => [] as string[]);
        await Promise.all(
          shards
            .filter((shard) => SHARD.test(shard))
            .map((shard) => rm(join(dir, shard), { recursive: true, force: true })),
        );
      });
    },

    stats: () => ({ entries: records.size, bytes: total, evictions }),
  };
}
