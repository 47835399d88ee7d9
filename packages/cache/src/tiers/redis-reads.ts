import type { RedisClient } from '../internal/redis-client.js';

/** Called with what Redis holds at a key (`null`: nothing). Must not throw. */
export type ReadDone = (raw: string | null) => void;
/** Called when the read failed. Must not throw. */
export type ReadFail = (error: unknown) => void;

/**
 * The most keys one `MGET` asks for: a larger batch is sent as several, so that no
 * single reply holds Redis (and the event loop parsing it) for long.
 */
export const MAX_BATCH = 256;

/** The reads of one hash slot waiting for the end of the tick. */
interface Batch {
  keys: string[];
  done: ReadDone[];
  fail: ReadFail[];
}

/**
 * Coalesces the GETs issued in one tick (until the microtask queue drains, as ioredis's
 * auto-pipelining does): the first goes at once as a `GET`, so a lone read waits for
 * nothing; the others go at the end of the tick as one `MGET` per hash slot, so 50
 * concurrent cache reads cost two commands, socket writes and replies instead of 50. Reads are grouped by `slot`, a number naming the keys' shared hash tag, so
 * each `MGET` is valid on Redis Cluster. A failed `MGET` fails each of its reads; nothing
 * else a key holds can fail the other keys of its batch (decoding is per read).
 *
 * Hot path: no promise or closure per read, only three array pushes; one handler per batch.
 */
export class ReadCoalescer {
  /** Whether a read went out this tick: the reads after it wait for the end of the tick. */
  #window = false;
  /** The reads waiting, of one slot (the default has only one) and of any other slots. */
  #first: Batch | undefined = undefined;
  #firstSlot = 0;
  #others: Map<number, Batch> | undefined = undefined;
  #redis: RedisClient | undefined = undefined;

  /**
   * Reads `key` on `redis` (ready): the first read of a tick at once, so that a lone read
   * waits for nothing, and the others at the end of the tick.
   */
  read(redis: RedisClient, slot: number, key: string, done: ReadDone, fail: ReadFail): void {
    if (!this.#window) {
      this.#window = true;
      this.#redis = redis;
      process.nextTick(this.#flush);
      get(redis, key, done, fail);
      return;
    }
    let batch = this.#first;
    if (batch === undefined) {
      this.#first = { keys: [key], done: [done], fail: [fail] };
      this.#firstSlot = slot;
      return;
    }
    if (slot !== this.#firstSlot) {
      this.#others ??= new Map();
      batch = this.#others.get(slot);
      if (batch === undefined) {
        this.#others.set(slot, { keys: [key], done: [done], fail: [fail] });
        return;
      }
    }
    batch.keys.push(key);
    batch.done.push(done);
    batch.fail.push(fail);
  }

  readonly #flush = (): void => {
    const first = this.#first;
    const others = this.#others;
    const redis = this.#redis!;
    this.#window = false;
    this.#first = undefined;
    this.#others = undefined;
    this.#redis = undefined;
    if (first !== undefined) send(redis, first);
    if (others !== undefined) for (const batch of others.values()) send(redis, batch);
  };
}

/** One GET. */
function get(redis: RedisClient, key: string, done: ReadDone, fail: ReadFail): void {
  try {
    redis.get(key).then(done, fail);
  } catch (error) {
    fail(error);
  }
}

/** Sends one slot's reads: a GET for one key, else MGETs of at most {@link MAX_BATCH} keys. */
function send(redis: RedisClient, batch: Batch): void {
  const { keys, done, fail } = batch;
  if (keys.length === 1) {
    get(redis, keys[0]!, done[0]!, fail[0]!);
    return;
  }
  for (let from = 0; from < keys.length; from += MAX_BATCH) {
    const to = Math.min(keys.length, from + MAX_BATCH);
    const replied = (raws: (string | null)[]): void => {
      for (let i = from; i < to; i++) answer(done[i]!, fail[i]!, raws[i - from] ?? null);
    };
    const failed = (error: unknown): void => {
      for (let i = from; i < to; i++) fail[i]!(error);
    };
    call(() => redis.mget(from === 0 && to === keys.length ? keys : keys.slice(from, to)), replied, failed);
  }
}

/** Sends a command; a client that throws instead of rejecting fails the reads the same way. */
function call<T>(command: () => Promise<T>, onReply: (reply: T) => void, onError: ReadFail): void {
  let sent: Promise<T>;
  try {
    sent = command();
  } catch (error) {
    onError(error);
    return;
  }
  sent.then(onReply, onError);
}

/** One read's answer; a callback that throws fails that read alone. */
function answer(done: ReadDone, fail: ReadFail, raw: string | null): void {
  try {
    done(raw);
  } catch (error) {
    fail(error);
  }
}
