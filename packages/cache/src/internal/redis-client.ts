import { invalidOption } from '@ballast/errors';
import type { Cluster, Redis } from 'ioredis';

/** An ioredis connection: a single node, Sentinel or Cluster. */
export type RedisClient = Redis | Cluster;

/** A client given by the caller, or one created on first use from a URL. */
export interface ClientSource {
  get(): Promise<RedisClient>;
  /** Quits the client if this source created it. */
  close(): Promise<void>;
}

/**
 * Resolves `{ client }` or `{ url }`. With a URL, ioredis is imported lazily on first
 * use, so importing `@ballast/cache` never loads it.
 * @throws ConfigurationError unless exactly one of the two is given, or for a client that is not ioredis's.
 */
export function redisClientFrom(
  owner: string,
  options: { client?: RedisClient; url?: string },
): ClientSource {
  const { client, url } = options;
  if ((client === undefined) === (url === undefined)) {
    throw invalidOption(
      `${owner}.client`,
      client === undefined ? undefined : 'a client and a url',
      'either client or url',
    );
  }
  if (client !== undefined) {
    if (typeof (client as { defineCommand?: unknown }).defineCommand !== 'function') {
      throw invalidOption(`${owner}.client`, client, 'an ioredis Redis or Cluster client');
    }
    const ready = Promise.resolve(client);
    return { get: () => ready, close: async () => {} };
  }
  if (typeof url !== 'string' || !/^rediss?:\/\//.test(url)) {
    throw invalidOption(`${owner}.url`, url, 'a redis:// or rediss:// URL');
  }
  let created: Promise<RedisClient> | undefined;
  return {
    get() {
      created ??= import('ioredis').then(({ Redis }) => new Redis(url));
      return created;
    },
    async close() {
      if (created === undefined) return;
      const redis = await created;
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
