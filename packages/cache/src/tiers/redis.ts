import { type Clock, systemClock } from '@ballast/core';
import { integerOption, invalidOption, UnavailableError } from '@ballast/errors';
import { CorruptEntryError } from '../errors.js';
import { decodeEntry, encodeEntry } from '../internal/envelope.js';
import {
  dataNodes,
  type RedisClient,
  type RedisClientLike,
  redisClientFrom,
} from '../internal/redis-client.js';
import { SPLIT_READ, type SplitRead } from '../internal/split-read.js';
import { tierName } from '../internal/tier-name.js';
import { jsonSerializer, type Serializer } from '../serializer.js';
import type { CacheLock, CacheTier } from '../tier.js';
import { ReadCoalescer, type ReadDone, type ReadFail } from './redis-reads.js';
import {
  ACQUIRE_SCRIPT,
  DELETE_SCRIPT,
  DELETE_TAG_SCRIPT,
  RELEASE_SCRIPT,
  SET_SCRIPT,
} from './redis-scripts.js';

/** Options for {@link redisTier}. Give `client` or `url`. */
export interface RedisTierOptions {
  /** An ioredis client, `Cluster` or Sentinel connection; the caller owns and closes it. */
  client?: RedisClientLike;
  /** A Redis URL; ioredis is then loaded on first use and the tier closes its client. */
  url?: string;
  /**
   * Prefix of every key this tier writes; `clear()` removes these keys, except the lock
   * fencing counters (`<prefix>{sN}:fence`), so that fencing tokens keep growing.
   * @defaultValue 'ballast:cache:'
   */
  prefix?: string;
  /**
   * Hash slots to spread entries over. Each entry, its tag index and its lock share one
   * hash tag (`{s0}`…), so every script runs on one slot. Raise it on Redis Cluster.
   * @defaultValue 1
   */
  shards?: number;
  /** Turns envelopes into strings and back. @defaultValue JSON */
  serializer?: Serializer;
  /**
   * Computes the Redis expiry (at the entry's `staleUntil`) and which members of a tag's
   * index are dead. @defaultValue systemClock
   */
  clock?: Clock;
  /** The tier's name in stats, events and metrics. @defaultValue 'redis' */
  name?: string;
}

type Scripted = RedisClient & {
  ballastCacheSet(...args: (string | number)[]): Promise<unknown>;
  ballastCacheDelete(...args: string[]): Promise<unknown>;
  ballastCacheDeleteTag(...args: string[]): Promise<unknown>;
  ballastCacheRelease(...args: string[]): Promise<unknown>;
  ballastCacheAcquire(...args: (string | number)[]): Promise<string | null>;
};

/** What follows the prefix in the key of a shard's lock fencing counter. */
const FENCE = /^\{s\d+\}:fence$/;

/** FNV-1a, to pick a key's shard. */
function shardOf(key: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}

/**
 * A tier on Redis (ioredis). Stores each entry as an envelope (value, fresh-until,
 * stale-until, tags) that Redis expires at stale-until; keeps a sorted set per tag for
 * `deleteByTag`, from which each write prunes the keys past their stale-until; offers
 * cross-process locks with fencing tokens; `clear()` deletes only its prefix with SCAN,
 * never FLUSHDB, and keeps the fencing counters. Reads issued in the same tick share round
 * trips: the first goes at once as a `GET`, the others together as one `MGET` per shard.
 * Importing the package never loads ioredis.
 *
 * @throws ConfigurationError unless exactly one of `client` or `url` is given, or for a bad `shards`.
 */
export function redisTier(options: RedisTierOptions): CacheTier {
  const prefix = options.prefix ?? 'ballast:cache:';
  // Empty, clear() would SCAN and delete every key of the database.
  if (typeof prefix !== 'string' || prefix.length === 0) {
    throw invalidOption('redisTier.prefix', prefix, "a non-empty string such as 'myapp:cache:'");
  }
  const shards = integerOption('redisTier.shards', options.shards ?? 1, 1, 16_384);
  const serializer = options.serializer ?? jsonSerializer;
  const clock = options.clock ?? systemClock;
  const name = tierName('redisTier', options.name, 'redis');
  // A client made from `url` is ours: its connection errors become the cause of the
  // UnavailableError that failed calls report as `error` events.
  const source = redisClientFrom('redisTier', options);
  let scripted: Promise<Scripted> | undefined;
  let ready: Scripted | undefined;

  const connect = (): Promise<Scripted> => {
    scripted ??= source.get().then((redis) => {
      redis.defineCommand('ballastCacheSet', { numberOfKeys: 2, lua: SET_SCRIPT });
      redis.defineCommand('ballastCacheDelete', { numberOfKeys: 2, lua: DELETE_SCRIPT });
      redis.defineCommand('ballastCacheDeleteTag', { numberOfKeys: 1, lua: DELETE_TAG_SCRIPT });
      redis.defineCommand('ballastCacheRelease', { numberOfKeys: 1, lua: RELEASE_SCRIPT });
      redis.defineCommand('ballastCacheAcquire', { numberOfKeys: 2, lua: ACQUIRE_SCRIPT });
      ready = redis as Scripted;
      return ready;
    });
    return scripted;
  };
  /** The client, failing fast while it is reconnecting instead of queueing commands. */
  const client = async (): Promise<Scripted> => {
    const redis = ready ?? (await connect());
    if (redis.status === 'reconnecting' || redis.status === 'end' || redis.status === 'close') {
      throw new UnavailableError(`Redis is not connected (${redis.status})`, {
        cause: source.lastError,
        details: { tier: name },
      });
    }
    return redis;
  };
  // Reads issued in one tick after the first go out together: one MGET per shard (one slot each).
  const reads = new ReadCoalescer();
  const split: SplitRead = {
    fetch(key) {
      const redis = ready;
      if (redis === undefined || redis.status !== 'ready') return undefined;
      return new Promise((resolve, reject) => {
        queue(redis, key, resolve, reject);
      });
    },
    read(key, done, fail) {
      const redis = ready;
      if (redis === undefined || redis.status !== 'ready') return false;
      queue(redis, key, done, fail);
      return true;
    },
    decode(raw, key) {
      if (raw === null) return undefined;
      const entry = decodeEntry(raw, serializer);
      if (entry !== undefined) return entry;
      const b = base(key);
      return ready!.ballastCacheDelete(`${b}e:${key}`, `${b}g:${key}`, b, key).then(() => {
        throw new CorruptEntryError({ tier: name, key });
      });
    },
  };
  // With one shard every key shares its base: build it once, not on every read.
  const base0 = `${prefix}{s0}:`;
  const entry0 = `${base0}e:`;
  const base = (key: string): string => (shards === 1 ? base0 : `${prefix}{s${shardOf(key, shards)}}:`);
  const queue = (redis: Scripted, key: string, done: ReadDone, fail: ReadFail): void => {
    if (shards === 1) reads.read(redis, 0, entry0 + key, done, fail);
    else {
      const shard = shardOf(key, shards);
      reads.read(redis, shard, `${prefix}{s${shard}}:e:${key}`, done, fail);
    }
  };

  const tier: CacheTier = {
    name,
    shared: true,

    get(key) {
      const sent = split.fetch(key) ?? client().then((redis) => redis.get(`${base(key)}e:${key}`));
      return sent.then((raw) => split.decode(raw, key));
    },

    async set(key, entry) {
      const redis = await client();
      const b = base(key);
      const now = clock.now();
      const px = Math.ceil(entry.staleUntil - now);
      if (px <= 0) {
        await redis.ballastCacheDelete(`${b}e:${key}`, `${b}g:${key}`, b, key);
        return;
      }
      const payload = encodeEntry(entry, serializer);
      // Scored by stale-until in each tag's index; members scored at or before `now` are dead.
      const score = Math.ceil(entry.staleUntil);
      await redis.ballastCacheSet(
        `${b}e:${key}`,
        `${b}g:${key}`,
        payload,
        px,
        b,
        key,
        Math.floor(now),
        score,
        ...entry.tags,
      );
    },

    async delete(key) {
      const redis = await client();
      const b = base(key);
      await redis.ballastCacheDelete(`${b}e:${key}`, `${b}g:${key}`, b, key);
    },

    async deleteByTag(tag) {
      const redis = await client();
      const all = Array.from({ length: shards }, (_, shard) => `${prefix}{s${shard}}:`);
      await Promise.all(all.map((b) => redis.ballastCacheDeleteTag(`${b}z:${tag}`, b, tag)));
    },

    async clear() {
      const redis = await client();
      const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
      // The fencing counters survive: a lock granted after clear() must still outrank earlier ones.
      const isFence = (key: string): boolean => FENCE.test(key.slice(prefix.length));
      for (const node of await dataNodes(redis)) {
        let cursor = '0';
        do {
          const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
          cursor = next;
          await Promise.all(keys.filter((key) => !isFence(key)).map((key) => node.unlink(key)));
        } while (cursor !== '0');
      }
    },

    async lock(key, ttl): Promise<CacheLock | undefined> {
      const redis = await client();
      const b = base(key);
      const lockKey = `${b}l:${key}`;
      const token = await redis.ballastCacheAcquire(`${b}fence`, lockKey, Math.max(1, Math.ceil(ttl)));
      if (token === null) return undefined;
      return {
        fencingToken: Number(token),
        release: async () => {
          try {
            await redis.ballastCacheRelease(lockKey, token);
          } catch {
            // The lock expires by itself at its TTL.
          }
        },
      };
    },

    close: () => source.close(),
  };
  // The cache reads through `split` when it can: one continuation per read instead of two.
  return Object.assign(tier, { [SPLIT_READ]: split });
}
