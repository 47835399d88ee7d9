import type { Clock, TimerHandle } from '@ballast/core';
import { TimeoutError, UnavailableError } from '@ballast/errors';
import type { Cluster, Redis } from 'ioredis';
import { dataNodes, isCluster, type RedisClient } from '../internal/redis-client.js';

/** What a {@link RedisSubscriber} needs. */
export interface SubscriberParts {
  /** The client to subscribe through (a `duplicate()` of it, or of a Cluster node, holds the subscription). */
  client(): Promise<RedisClient>;
  channel: string;
  clock: Clock;
  /**
   * How often the subscription is checked with PING (ms): a ping unanswered by the next check
   * means a half-open connection, which is dropped and opened again. Also bounds connecting.
   */
  heartbeat: number;
  /** A message arrived on the channel. */
  message(raw: string): void;
  /** Messages may have been missed: the connection dropped, moved, came up late or is in doubt. */
  gap(): void;
  /** A connection or subscription failed. */
  error(error: unknown): void;
}

/** The state of a {@link RedisSubscriber}, for health. */
export type SubscriberState = 'connecting' | 'up' | 'down' | 'closed';

/** A pub/sub subscription that notices when it may have missed messages. */
export interface RedisSubscriber {
  readonly state: SubscriberState;
  /** `true` when the subscription uses sharded pub/sub (SSUBSCRIBE, on a Cluster). */
  readonly sharded: boolean;
  /** Opens the subscription; resolves once it is up or its first attempt failed (it keeps trying). */
  start(): Promise<void>;
  close(): void;
}

interface Link {
  readonly conn: Redis;
  /** The `host:port` of the Cluster node holding the channel's slot, when sharded. */
  readonly owner: string | undefined;
  /** The channel's hash slot, when sharded. */
  readonly slot: number | undefined;
  /** A PING went unanswered so far. */
  pinging: boolean;
}

const unknownCommand = (error: unknown): boolean =>
  error instanceof Error && /unknown command|ERR unknown/i.test(error.message);

/**
 * Subscribes to one channel on a connection of its own and keeps it subscribed. On a Cluster
 * it subscribes with SSUBSCRIBE on the master holding the channel's slot (sharded pub/sub:
 * a message goes to that shard only, not to every node), or with SUBSCRIBE on any master when
 * the servers predate Redis 7. Every connection it opens gives up on the first drop, and the
 * subscriber opens a new one itself (on the new master after a failover); any reconnection is
 * reported as a gap, so the cache clears what it holds locally. A PING every `heartbeat` ms
 * finds a half-open connection (a ping unanswered at the next beat), a subscription the server
 * ended (a slot that moved) and a slot now served by another node; while the subscription is
 * down, each beat reports a gap again, so nothing cached meanwhile lives longer than a beat.
 */
export function createRedisSubscriber(parts: SubscriberParts): RedisSubscriber {
  const { clock, channel, heartbeat } = parts;
  let state: SubscriberState = 'connecting';
  let link: Link | undefined;
  let sharded = true;
  /** Messages may have been missed since the last subscription came up. */
  let missed = false;
  let opening: Promise<void> | undefined;
  let beat: TimerHandle | undefined;
  /** The Cluster client whose slot map tells where the channel lives now. */
  let owned: Cluster | undefined;

  const open = async (): Promise<Link> => {
    const redis = await parts.client();
    let conn: Redis;
    let owner: string | undefined;
    let slot: number | undefined;
    const options = { retryStrategy: () => null, lazyConnect: true, maxRetriesPerRequest: 0 } as const;
    if (isCluster(redis)) {
      const masters = await dataNodes(redis);
      if (sharded) {
        slot = Number(await redis.cluster('KEYSLOT', channel));
        owner = redis.slots[slot]?.[0];
        owned = redis;
      }
      const node = masters.find((n) => `${n.options.host}:${n.options.port}` === owner) ?? masters[0];
      if (node === undefined) throw new UnavailableError('The Redis Cluster has no master to subscribe on');
      conn = node.duplicate(options);
    } else {
      sharded = false;
      conn = redis.duplicate(options);
    }
    conn.on('error', () => {}); // reported through the failures of connect and subscribe
    const connected = new Promise<void>((resolve, reject) => {
      const late = clock.setTimeout(() => {
        conn.disconnect();
        reject(new TimeoutError(`The bus subscriber did not connect within ${heartbeat} ms`));
      }, heartbeat);
      const done = (error?: unknown): void => {
        clock.clearTimeout(late);
        if (error === undefined) resolve();
        else reject(error);
      };
      (async () => {
        await conn.connect();
        if (sharded) {
          try {
            await conn.ssubscribe(channel);
          } catch (error) {
            if (!unknownCommand(error)) throw error;
            sharded = false;
          }
        }
        if (!sharded) await conn.subscribe(channel);
      })().then(() => done(), done);
    });
    try {
      await connected;
    } catch (error) {
      conn.disconnect();
      throw error;
    }
    const onMessage = (from: string, raw: string): void => {
      if (from === channel && link?.conn === conn) parts.message(raw);
    };
    conn.on('message', onMessage);
    conn.on('smessage', onMessage);
    const made: Link = { conn, owner, slot: sharded ? slot : undefined, pinging: false };
    conn.once('end', () => lost(made));
    conn.on('error', (error: unknown) => {
      // The server ended the subscription itself (its slot moved away): ioredis reports it so.
      if (error instanceof Error && /Last reply: s?unsubscribe/.test(error.message)) conn.disconnect();
    });
    return made;
  };

  const connect = (): Promise<void> => {
    opening ??= (async () => {
      try {
        const made = await open();
        if (state === 'closed') {
          made.conn.disconnect();
          return;
        }
        link = made;
        state = 'up';
        if (missed) {
          missed = false;
          parts.gap();
        }
      } catch (error) {
        if (state === 'closed') return;
        state = 'down';
        missed = true;
        parts.error(error);
      } finally {
        opening = undefined;
      }
    })();
    return opening;
  };

  function lost(which: Link): void {
    if (link !== which) return;
    link = undefined;
    if (state === 'closed') return;
    state = 'down';
    missed = true;
    parts.gap();
    void connect();
  }

  const drop = (which: Link): void => {
    which.conn.disconnect(); // its 'end' event reports the gap and reconnects
  };

  const tick = (): void => {
    const current = link;
    if (current === undefined) {
      // Still down: whatever was cached since the last beat may have missed a message.
      if (state === 'down') {
        parts.gap();
        void connect();
      }
      return;
    }
    if (current.pinging) {
      drop(current);
      return;
    }
    if (current.slot !== undefined && owned !== undefined) {
      // The Cluster client learns of a failover or a moved slot from MOVED replies and its refreshes.
      const owner = owned.slots[current.slot]?.[0];
      if (owner !== undefined && owner !== current.owner) {
        drop(current);
        return;
      }
    }
    current.pinging = true;
    current.conn.ping().then(
      (reply) => {
        current.pinging = false;
        // A bare PONG means the connection is no longer in subscriber mode.
        if (reply === 'PONG') drop(current);
      },
      () => {},
    );
  };

  return {
    get state() {
      return state;
    },
    get sharded() {
      return sharded;
    },
    async start() {
      if (beat === undefined && state !== 'closed') {
        beat = clock.setInterval(tick, heartbeat);
        beat.unref();
      }
      await connect();
    },
    close() {
      state = 'closed';
      if (beat !== undefined) clock.clearTimeout(beat);
      beat = undefined;
      link?.conn.disconnect();
      link = undefined;
    },
  };
}
