import { invalidOption } from '@ballast/errors';
import type { Cluster, Redis } from 'ioredis';
import { type RedisClient, redisClientFrom } from '../internal/redis-client.js';
import type { BusHandlers, BusMessage, CacheBus } from './bus.js';

/** Options for {@link redisBus}. Give `client` or `url`. */
export interface RedisBusOptions {
  /** An ioredis client used to publish; the bus subscribes on a `duplicate()` of it. */
  client?: Redis | Cluster;
  /** A Redis URL; ioredis is then loaded on first use. */
  url?: string;
  /**
   * The pub/sub channel; every process of one cache must use the same.
   * @defaultValue 'ballast:cache:bus'
   */
  channel?: string;
}

function parse(raw: string): BusMessage | undefined {
  try {
    const message = JSON.parse(raw) as Partial<BusMessage>;
    if (typeof message.from !== 'string' || typeof message.cache !== 'string') return undefined;
    if (message.type === 'delete' && Array.isArray(message.keys)) return message as BusMessage;
    if (message.type === 'tag' && Array.isArray(message.tags)) return message as BusMessage;
    if (message.type === 'clear') return message as BusMessage;
  } catch {
    // Not ours: ignore it.
  }
  return undefined;
}

/**
 * A bus on Redis pub/sub. Publishes invalidations on one channel and subscribes on a
 * dedicated connection; when that connection comes back after a drop, it tells the
 * cache, which clears its in-process tiers because it may have missed messages. Skips
 * publishing while the publisher is disconnected rather than queueing.
 *
 * @throws ConfigurationError unless exactly one of `client` or `url` is given.
 */
export function redisBus(options: RedisBusOptions): CacheBus {
  const channel = options.channel ?? 'ballast:cache:bus';
  if (typeof channel !== 'string' || channel.length === 0) {
    throw invalidOption('redisBus.channel', channel, 'a non-empty string');
  }
  const source = redisClientFrom('redisBus', options);
  let subscriber: RedisClient | undefined;
  let closed = false;

  return {
    async publish(message) {
      const redis = await source.get();
      // Queueing while disconnected would only deliver stale news: peers clear on reconnect.
      if (redis.status === 'reconnecting' || redis.status === 'end' || redis.status === 'close') return;
      await redis.publish(channel, JSON.stringify(message));
    },

    async subscribe(handlers: BusHandlers) {
      const redis = await source.get();
      const sub = redis.duplicate();
      subscriber = sub;
      let connected = false;
      sub.on('ready', () => {
        if (connected && !closed) handlers.reconnect();
        connected = true;
      });
      sub.on('error', (error: unknown) => handlers.error(error));
      sub.on('message', (from: string, raw: string) => {
        if (from !== channel) return;
        const message = parse(raw);
        if (message !== undefined) handlers.message(message);
      });
      await sub.subscribe(channel);
    },

    async close() {
      closed = true;
      if (subscriber !== undefined) await subscriber.quit().catch(() => subscriber?.disconnect());
      await source.close();
    },
  };
}
