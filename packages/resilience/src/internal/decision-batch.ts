/**
 * The most calls one script run decides: a larger batch is sent as several, so that no
 * single run holds Redis (it is atomic) for long.
 */
export const MAX_BATCH = 128;

/** Sends one batch: the script's keys, then its arguments; resolves with its flat reply. */
export type SendBatch = (keys: string[], argv: string[]) => Promise<unknown>;

/** Turns the reply of one call (5 numbers from `offset`) into its answer. */
export type ReadReply<T> = (reply: number[], offset: number) => T;

/** What a {@link DecisionBatcher} needs. */
export interface BatcherOptions<T> {
  /** The script's first arguments: the number of limits, then `max, per` of each. */
  limits: readonly string[];
  /** One batch per key (Redis Cluster), instead of one for every key. */
  byKey: boolean;
  /** A key's Redis keys, one per limit (sharing one hash tag). */
  keysOf: (key: string) => readonly string[];
  send: SendBatch;
  read: ReadReply<T>;
}

/** The calls of one script run, in order. */
interface Batch<T> {
  /** Each key's Redis keys, one per limit, in the order of the keys' first call. */
  keys: string[];
  /** The position (1-based) of each key of the batch. */
  positions: Map<string, string>;
  /** The limits, then per call: position, cost, nonce. */
  argv: string[];
  resolve: ((answer: T) => void)[];
  reject: ((error: unknown) => void)[];
}

/**
 * Coalesces the rate-limit calls made in one tick (until the microtask queue drains) into
 * one script run: 50 concurrent decisions cost one EVALSHA, one socket write and one reply
 * instead of 50. The script decides them in order, each as if it ran alone, so a batch is
 * equivalent to its calls arriving one after another. On Redis Cluster a script may only
 * touch one slot, so calls are batched per key there (each key's counters share its hash
 * tag); elsewhere one batch takes every key. A failed run fails each of its calls.
 */
export class DecisionBatcher<T> {
  #open: Batch<T> | undefined = undefined;
  /** Per key, with `byKey` (Redis Cluster). */
  readonly #perKey = new Map<string, Batch<T>>();
  /** Full batches waiting for the flush. */
  #full: Batch<T>[] = [];
  #scheduled = false;

  constructor(private readonly options: BatcherOptions<T>) {}

  /** Queues a call, decided at the end of this tick. */
  decide(key: string, cost: number, nonce: string): Promise<T> {
    const { byKey } = this.options;
    let batch = byKey ? this.#perKey.get(key) : this.#open;
    if (batch === undefined || batch.resolve.length >= MAX_BATCH) {
      if (batch !== undefined) this.#full.push(batch);
      batch = { keys: [], positions: new Map(), argv: [...this.options.limits], resolve: [], reject: [] };
      if (byKey) this.#perKey.set(key, batch);
      else this.#open = batch;
      if (!this.#scheduled) {
        this.#scheduled = true;
        process.nextTick(this.#flush);
      }
    }
    let position = batch.positions.get(key);
    if (position === undefined) {
      position = String(batch.positions.size + 1);
      batch.positions.set(key, position);
      for (const redisKey of this.options.keysOf(key)) batch.keys.push(redisKey);
    }
    batch.argv.push(position, String(cost), nonce);
    return new Promise<T>((resolve, reject) => {
      batch.resolve.push(resolve);
      batch.reject.push(reject);
    });
  }

  readonly #flush = (): void => {
    const batches = this.#full;
    if (this.#open !== undefined) batches.push(this.#open);
    for (const batch of this.#perKey.values()) batches.push(batch);
    this.#full = [];
    this.#open = undefined;
    this.#perKey.clear();
    this.#scheduled = false;
    for (const batch of batches) this.#run(batch);
  };

  #run(batch: Batch<T>): void {
    const { resolve, reject } = batch;
    const failed = (error: unknown): void => {
      for (const fail of reject) fail(error);
    };
    let sent: Promise<unknown>;
    try {
      sent = this.options.send(batch.keys, batch.argv);
    } catch (error) {
      failed(error);
      return;
    }
    sent.then((reply) => {
      const numbers = reply as number[];
      if (!Array.isArray(numbers) || numbers.length !== resolve.length * 5) {
        failed(new Error(`Unexpected reply from the rate limiter script: ${String(reply)}`));
        return;
      }
      for (let i = 0; i < resolve.length; i++) {
        let answer: T;
        try {
          answer = this.options.read(numbers, i * 5);
        } catch (error) {
          reject[i]!(error);
          continue;
        }
        resolve[i]!(answer);
      }
    }, failed);
  }
}
