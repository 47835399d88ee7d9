import { invalidOption, UnavailableError } from '@ballast/errors';
import type { Cluster, Redis } from 'ioredis';

/** An ioredis connection: a single node, Sentinel or Cluster. */
export type RedisClient = Redis | Cluster;

/**
 * An ioredis client (`Redis`, Sentinel or `Cluster`), as the public options take it: only
 * what the cache checks before it uses the client, declared here rather than imported, so
 * that the types of `@ballast/cache` never name ioredis, an optional peer (a TypeScript
 * project without ioredis still compiles). Pass your `new Redis()` or `new Cluster()`.
 */
export interface RedisClientLike {
  /** ioredis's connection state (`'ready'`, `'connecting'`, `'end'`…). */
  readonly status: string;
  /** Registers a Lua script as a command (ioredis `defineCommand`). */
  defineCommand(name: string, definition: { lua: string; numberOfKeys?: number }): void;
}

/** A client given by the caller, or one created on first use from a URL. */
export interface ClientSource {
  /**
   * The client. Called first after `close()`, a URL source rejects with `UnavailableError`
   * rather than open a connection nobody would close.
   */
  get(): Promise<RedisClient>;
  /**
   * The last connection error of a client this source created, until it connects again;
   * always `undefined` for the caller's client, whose errors are the caller's to handle.
   */
  readonly lastError: unknown;
  /** Closes the client if this source created it (see {@link closeClient}). */
  close(): Promise<void>;
}

/** How long {@link closeClient} waits for QUIT on a connected client before dropping the connection (ms). */
export const QUIT_TIMEOUT = 1_000;

/**
 * Closes a client the package opened. A connected client is sent QUIT, so that replies
 * still due arrive, but for at most `timeout` ms (a black-holed connection never answers);
 * then, or at once for a client that is not connected, the connection is dropped. QUIT on a
 * client that is not connected would wait in ioredis's offline queue until its retries run
 * out: about 10 s by default, forever with `maxRetriesPerRequest: null`. Never rejects.
 */
export async function closeClient(redis: RedisClient, timeout = QUIT_TIMEOUT): Promise<void> {
  if (redis.status === 'ready') {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const quit = redis.quit().then(
      () => true,
      () => false,
    );
    const late = new Promise<false>((resolve) => {
      timer = setTimeout(resolve, timeout, false);
    });
    const quitted = await Promise.race([quit, late]);
    clearTimeout(timer);
    if (quitted) return;
  }
  redis.disconnect();
}

/**
 * Resolves `{ client }` or `{ url }`. With a URL, ioredis is imported lazily on first
 * use, so importing `@ballast/cache` never loads it; the client created then gets an
 * `error` listener (ioredis would otherwise print every failed reconnect to the console)
 * that calls `onError` and keeps the error as `lastError`.
 * @throws ConfigurationError unless exactly one of the two is given, or for a client that is not ioredis's.
 */
export function redisClientFrom(
  owner: string,
  options: { client?: RedisClientLike; url?: string },
  onError: (error: unknown) => void = () => {},
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
    const ready = Promise.resolve(client as RedisClient);
    return { get: () => ready, lastError: undefined, close: async () => {} };
  }
  if (typeof url !== 'string' || !/^rediss?:\/\//.test(url)) {
    throw invalidOption(`${owner}.url`, url, 'a redis:// or rediss:// URL');
  }
  let created: Promise<RedisClient> | undefined;
  let closed = false;
  let lastError: unknown;
  return {
    get() {
      // Creating a client after close() would leave a connection nobody closes.
      if (closed && created === undefined) {
        return Promise.reject(new UnavailableError(`${owner} is closed`, { details: { owner } }));
      }
      created ??= import('ioredis').then(({ Redis }) => {
        const redis = new Redis(url);
        redis.on('error', (error: unknown) => {
          lastError = error;
          onError(error);
        });
        redis.on('ready', () => {
          lastError = undefined;
        });
        return redis;
      });
      return created;
    },
    get lastError() {
      return lastError;
    },
    async close() {
      closed = true;
      if (created === undefined) return;
      await closeClient(await created);
    },
  };
}

/** Whether `redis` is an ioredis `Cluster` (without importing ioredis). */
export function isCluster(redis: RedisClient): redis is Cluster {
  return 'nodes' in redis && typeof redis.nodes === 'function';
}

/**
 * The connections that hold data: every master of a Cluster (once it has connected and
 * learned its slots, so that none is missed), or the client itself.
 */
export async function dataNodes(redis: RedisClient): Promise<Redis[]> {
  if (!isCluster(redis)) return [redis];
  if (redis.status === 'wait') await redis.connect();
  else if (redis.status !== 'ready') {
    await new Promise<void>((resolve, reject) => {
      const fail = (): void =>
        reject(new UnavailableError(`Redis Cluster is not connected (${redis.status})`));
      redis.once('ready', resolve);
      redis.once('end', fail);
    });
  }
  return redis.nodes('master');
}
