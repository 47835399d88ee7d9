import type { Clock, TimerHandle } from '@ballast/core';
import { TimeoutError } from '@ballast/errors';
import type { BusMessage } from './bus.js';

/** What an {@link Outbox} needs from its connection. */
export interface OutboxParts {
  /** Sends one message; rejects when it could not. */
  send(message: BusMessage): Promise<void>;
  /** Whether the connection can send now; while it cannot, messages wait. */
  ready(): boolean;
  /** A send failed (reported once per outage, not per message). */
  error(error: unknown): void;
  clock: Clock;
  /** Messages held at most while the connection is down; past it they are dropped. */
  limit: number;
  /** How long one send may take before it counts as failed (ms). */
  timeout: number;
  /** The first wait before sending held messages again; doubles up to `timeout` (ms). */
  retry: number;
}

/** Publishes bus messages, holding them (bounded) while they cannot be sent. */
export interface Outbox {
  /** Sends `message` now, or holds it to send once the connection is back. Never rejects. */
  publish(message: BusMessage): Promise<void>;
  /** Messages held, plus the clears owed for dropped ones. */
  readonly pending: number;
  /** Stops retrying; what is still held is lost. */
  close(): void;
}

/**
 * A bounded queue in front of a publisher. While the connection is down (or a send fails or
 * times out), messages wait in order and are sent again with backoff. When more than `limit`
 * wait, they are dropped, and each cache that lost one owes its peers a `clear` message
 * (peers then drop their whole L1, which is what they would have dropped and more), sent
 * before anything else once the connection is back: a peer never keeps a value that changed
 * while the bus was down. Delivering a held invalidation late is harmless: at worst a peer
 * misses on a key it could have kept.
 */
export function createOutbox(parts: OutboxParts): Outbox {
  const { clock, limit, timeout } = parts;
  const held: BusMessage[] = [];
  /** A `clear` owed to peers, per cache and sender that had messages dropped. */
  const owed = new Map<string, BusMessage>();
  let timer: TimerHandle | undefined;
  let delay = parts.retry;
  let failing = false;
  let closed = false;

  const sendWithin = (message: BusMessage): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const late = clock.setTimeout(
        () =>
          reject(new TimeoutError(`The bus did not publish within ${timeout} ms`, { details: { timeout } })),
        timeout,
      );
      parts.send(message).then(
        () => {
          clock.clearTimeout(late);
          resolve();
        },
        (error: unknown) => {
          clock.clearTimeout(late);
          reject(error);
        },
      );
    });

  const failed = (error: unknown): void => {
    if (!failing) parts.error(error);
    failing = true;
    schedule();
  };

  const hold = (message: BusMessage): void => {
    if (held.length < limit) {
      held.push(message);
      return;
    }
    for (const dropped of [...held, message]) {
      owed.set(`${dropped.from}\u0000${dropped.cache}`, {
        from: dropped.from,
        cache: dropped.cache,
        type: 'clear',
      });
    }
    held.length = 0;
  };

  function schedule(): void {
    if (timer !== undefined || closed) return;
    timer = clock.setTimeout(() => {
      timer = undefined;
      void flush();
    }, delay);
    timer.unref();
    delay = Math.min(delay * 2, Math.max(parts.retry, timeout));
  }

  async function flush(): Promise<void> {
    if (closed) return;
    if (!parts.ready()) {
      schedule();
      return;
    }
    try {
      for (const [key, clear] of owed) {
        await sendWithin(clear);
        owed.delete(key);
      }
      while (held.length > 0) {
        await sendWithin(held[0]!);
        held.shift();
      }
      failing = false;
      delay = parts.retry;
    } catch (error) {
      failed(error);
    }
  }

  return {
    async publish(message) {
      if (closed) return;
      if (held.length > 0 || owed.size > 0 || !parts.ready()) {
        hold(message);
        schedule();
        return;
      }
      try {
        await sendWithin(message);
      } catch (error) {
        hold(message);
        failed(error);
      }
    },
    get pending() {
      return held.length + owed.size;
    },
    close() {
      closed = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
    },
  };
}
