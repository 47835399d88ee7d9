import { type Clock, type Duration, systemClock } from '@ballast/core';
import { durationOption, integerOption, invalidOption } from '@ballast/errors';
import {
  isCluster,
  type RedisClient,
  type RedisClientLike,
  redisClientFrom,
} from '../internal/redis-client.js';
import type { BusHandlers, BusHealth, BusMessage, CacheBus } from './bus.js';
import { createOutbox } from './outbox.js';
import { createRedisSubscriber, type RedisSubscriber } from './redis-subscriber.js';

/** Options for {@link redisBus}. Give `client` or `url`. */
export interface RedisBusOptions {
  /**
   * An ioredis client, Sentinel connection or `Cluster` used to publish; the bus subscribes
   * on a connection of its own made with `duplicate()` (of a Cluster's node).
   */
  client?: RedisClientLike;
  /** A Redis URL; ioredis is then loaded on first use. */
  url?: string;
  /**
   * The pub/sub channel; every process of one cache must use the same.
   * @defaultValue 'ballast:cache:bus'
   */
  channel?: string;
  /**
   * How often the subscription is checked (PING, and on a Cluster where its slot lives). A
   * half-open subscriber connection is found within two beats, dropped and opened again, and
   * the cache clears its L1 and emits `bus:reconnect`. Also the longest a publish may take.
   * @defaultValue '2s'
   */
  heartbeat?: Duration;
  /**
   * Messages held while they cannot be published (connection down or a send failed); past it
   * they are dropped and peers are told to clear their L1 instead, once the bus is back.
   * @defaultValue 1000
   */
  queueLimit?: number;
  /** Schedules heartbeats, publish timeouts and retries. @defaultValue systemClock */
  clock?: Clock;
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

const down = (redis: RedisClient): boolean =>
  redis.status === 'reconnecting' || redis.status === 'end' || redis.status === 'close';

/**
 * A bus on Redis pub/sub. On a Cluster it uses sharded pub/sub (SPUBLISH/SSUBSCRIBE, Redis
 * ≥ 7: each message reaches only the shard owning the channel), or classic pub/sub on older
 * servers; on a single node or Sentinel, classic pub/sub.
 *
 * Nothing is lost silently. The subscriber runs on its own connection, checked every
 * `heartbeat`; whenever the subscription comes up late, drops, moves to another node (a
 * failover, a moved slot) or stops answering, the cache clears its in-process tiers and
 * emits `bus:reconnect`, because it may have missed messages. A publish that cannot be sent
 * waits (at most `queueLimit` messages) and is sent again once the connection is back; when
 * messages had to be dropped, peers are told to clear their L1 instead. Bus health (part of
 * the cache's health check) warns while the subscription is down or in doubt, or messages
 * wait. Connection errors are reported as the cache's `error` events (`operation: 'bus'`);
 * `close()` never waits on a connection that is down.
 *
 * @throws ConfigurationError unless exactly one of `client` or `url` is given, or for a bad
 * `channel`, `heartbeat` or `queueLimit`.
 */
export function redisBus(options: RedisBusOptions): CacheBus {
  const channel = options.channel ?? 'ballast:cache:bus';
  if (typeof channel !== 'string' || channel.length === 0) {
    throw invalidOption('redisBus.channel', channel, 'a non-empty string');
  }
  const heartbeat = durationOption('redisBus.heartbeat', options.heartbeat ?? '2s');
  if (heartbeat < 10) throw invalidOption('redisBus.heartbeat', options.heartbeat, "at least '10ms'");
  const queueLimit = integerOption('redisBus.queueLimit', options.queueLimit ?? 1_000, 0);
  const clock = options.clock ?? systemClock;
  let closed = false;
  let report: (error: unknown) => void = () => {};
  const source = redisClientFrom('redisBus', options, (error) => report(error));
  let publisher: RedisClient | undefined;
  let subscriber: RedisSubscriber | undefined;
  /** Sharded pub/sub until a Cluster's servers turn out not to know SPUBLISH. */
  let sharded = true;

  const send = async (message: BusMessage): Promise<void> => {
    const redis = await source.get();
    publisher = redis;
    const raw = JSON.stringify(message);
    if (isCluster(redis) && sharded && subscriber?.sharded !== false) {
      try {
        await redis.spublish(channel, raw);
        return;
      } catch (error) {
        if (!(error instanceof Error && /unknown command/i.test(error.message))) throw error;
        sharded = false;
      }
    }
    await redis.publish(channel, raw);
  };
  const outbox = createOutbox({
    send,
    ready: () => !closed && (publisher === undefined || !down(publisher)),
    error: (error) => report(error),
    clock,
    limit: queueLimit,
    timeout: heartbeat,
    retry: Math.min(100, heartbeat),
  });

  const health = (): BusHealth => {
    const waiting = outbox.pending;
    const state = subscriber?.state ?? 'connecting';
    if (state === 'up' && waiting === 0) {
      return { status: 'pass', output: `subscribed to ${subscriber?.sharded ? 'sharded ' : ''}pub/sub` };
    }
    const problems: string[] = [];
    if (state !== 'up') problems.push(`subscriber ${state}: local entries live at most one heartbeat`);
    if (waiting > 0) problems.push(`${waiting} invalidation(s) waiting to be published`);
    return { status: 'warn', output: problems.join('; ') };
  };

  return {
    publish: (message) => outbox.publish(message),

    async subscribe(handlers: BusHandlers) {
      report = (error) => {
        if (!closed) handlers.error(error);
      };
      if (closed) return;
      subscriber = createRedisSubscriber({
        client: () => source.get(),
        channel,
        clock,
        heartbeat,
        message: (raw) => {
          const message = parse(raw);
          if (message !== undefined && !closed) handlers.message(message);
        },
        gap: () => {
          if (!closed) handlers.reconnect();
        },
        error: report,
      });
      await subscriber.start();
    },

    health,

    async close() {
      closed = true;
      outbox.close();
      subscriber?.close();
      await source.close();
    },
  };
}
