import { invalidOption } from '@ballast/errors';
import {
  closeClient,
  type RedisClient,
  type RedisClientLike,
  redisClientFrom,
} from '../internal/redis-client.js';
import type { BusHandlers, BusMessage, CacheBus } from './bus.js';

/** Options for {@link redisBus}. Give `client` or `url`. */
export interface RedisBusOptions {
  /** An ioredis client used to publish; the bus subscribes on a `duplicate()` of it. */
  client?: RedisClientLike;
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
 * dedicated connection. If Redis is unreachable when the cache starts, it subscribes once
 * the connection is ready; whenever the subscription starts late or comes back after a
 * drop, it tells the cache, which clears its in-process tiers because it may have missed
 * messages. Skips publishing while the publisher is disconnected rather than queueing.
 * Connection errors are reported as the cache's `error` events (`operation: 'bus'`);
 * `close()` never waits on a connection that is down.
 *
 * @throws ConfigurationError unless exactly one of `client` or `url` is given.
 */
export function redisBus(options: RedisBusOptions): CacheBus {
  const channel = options.channel ?? 'ballast:cache:bus';
  if (typeof channel !== 'string' || channel.length === 0) {
    throw invalidOption('redisBus.channel', channel, 'a non-empty string');
  }
  let closed = false;
  let report: (error: unknown) => void = () => {};
  const source = redisClientFrom('redisBus', options, (error) => report(error));
  let subscriber: RedisClient | undefined;

  return {
    async publish(message) {
      if (closed) return;
      const redis = await source.get();
      // Queueing while disconnected would only deliver stale news: peers clear on reconnect.
      if (redis.status === 'reconnecting' || redis.status === 'end' || redis.status === 'close') return;
      await redis.publish(channel, JSON.stringify(message));
    },

    async subscribe(handlers: BusHandlers) {
      report = (error) => {
        if (!closed) handlers.error(error);
      };
      if (closed) return;
      const redis = await source.get();
      if (closed) return;
      const sub = redis.duplicate();
      subscriber = sub;
      let subscribed = false;
      /** The connection failed or dropped since the bus started: messages may have been missed. */
      let missed = false;
      let attempt: Promise<void> | undefined;
      const start = (): Promise<void> => {
        attempt ??= sub.subscribe(channel).then(
          () => {
            subscribed = true;
            if (missed && !closed) {
              missed = false;
              handlers.reconnect();
            }
          },
          (error: unknown) => {
            // Redis was down (the command gave up in ioredis's offline queue): retried on 'ready'.
            attempt = undefined;
            report(error);
          },
        );
        return attempt;
      };
      sub.on('close', () => {
        missed = true;
      });
      sub.on('ready', () => {
        if (closed) return;
        // ioredis subscribes again by itself only once a subscription has succeeded.
        if (!subscribed) void start();
        else if (missed) {
          missed = false;
          handlers.reconnect();
        }
      });
      sub.on('error', report);
      sub.on('message', (from: string, raw: string) => {
        if (from !== channel) return;
        const message = parse(raw);
        if (message !== undefined) handlers.message(message);
      });
      await start();
    },

    async close() {
      closed = true;
      if (subscriber !== undefined) await closeClient(subscriber);
      await source.close();
    },
  };
}
