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
  /** Per call: its key, and how to settle it. */
  calls: string[];
  resolve: ((answer: T) => void)[];
  reject: ((error: unknown) => void)[];
}

/** Whether Redis answered with an error (a script error), rather than not answering. */
function isReplyError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ReplyError';
}

/**
 * Coalesces the rate-limit calls made in one tick (until the microtask queue drains) into
 * one script run: 50 concurrent decisions cost one EVALSHA, one socket write and one reply
 * instead of 50. The script decides them in order, each as if it ran alone, so a batch is
 * equivalent to its calls arriving one after another. On Redis Cluster a script may only
 * touch one slot, so calls are batched per key there (each key's counters share its hash
 * tag); elsewhere one batch takes every key. A run of several keys that Redis refuses (a
 * key of another type under the prefix) is run again key by key, so that one bad key fails
 * only its own calls; any other failure fails each call of the run.
 */
export class DecisionBatcher<T> {
  #open: Batch<T> | undefined = undefined;
  /** Per key, with `byKey` (Redis Cluster). */
  readonly #perKey = new Map<string, Batch<T>>();
  #scheduled = false;

  constructor(private readonly options: BatcherOptions<T>) {}

  /** Queues a call, decided at the end of this tick. */
  decide(key: string, cost: number, nonce: string): Promise<T> {
    const { byKey } = this.options;
    let batch = byKey ? this.#perKey.get(key) : this.#open;
    if (batch === undefined) {
      batch = this.#batch();
      if (byKey) this.#perKey.set(key, batch);
      else this.#open = batch;
      if (!this.#scheduled) {
        this.#scheduled = true;
        process.nextTick(this.#flush);
      }
    }
    const into = batch;
    const decided = new Promise<T>((resolve, reject) => {
      this.#add(into, key, String(cost), nonce, resolve, reject);
    });
    // A full batch goes at once: Redis runs it while this tick's next calls are queued.
    if (into.calls.length >= MAX_BATCH) {
      if (byKey) this.#perKey.delete(key);
      else this.#open = undefined;
      this.#run(into);
    }
    return decided;
  }

  #batch(): Batch<T> {
    return {
      keys: [],
      positions: new Map(),
      argv: [...this.options.limits],
      calls: [],
      resolve: [],
      reject: [],
    };
  }

  #add(
    batch: Batch<T>,
    key: string,
    cost: string,
    nonce: string,
    resolve: (answer: T) => void,
    reject: (error: unknown) => void,
  ): void {
    let position = batch.positions.get(key);
    if (position === undefined) {
      position = String(batch.positions.size + 1);
      batch.positions.set(key, position);
      for (const redisKey of this.options.keysOf(key)) batch.keys.push(redisKey);
    }
    batch.argv.push(position, cost, nonce);
    batch.calls.push(key);
    batch.resolve.push(resolve);
    batch.reject.push(reject);
  }

  readonly #flush = (): void => {
    const open = this.#open;
    this.#open = undefined;
    this.#scheduled = false;
    if (open !== undefined) this.#run(open);
    if (this.#perKey.size === 0) return;
    const batches = [...this.#perKey.values()];
    this.#perKey.clear();
    for (const batch of batches) this.#run(batch);
  };

  #run(batch: Batch<T>): void {
    const { resolve, reject } = batch;
    this.options.send(batch.keys, batch.argv).then(
      (reply) => {
        const numbers = reply as number[];
        if (!Array.isArray(numbers) || numbers.length !== resolve.length * 5) {
          for (const fail of reject)
            fail(new Error(`Unexpected reply from the rate limiter script: ${String(reply)}`));
          return;
        }
        for (let i = 0; i < resolve.length; i++) resolve[i]!(this.options.read(numbers, i * 5));
      },
      (error: unknown) => {
        if (batch.positions.size > 1 && isReplyError(error)) this.#split(batch);
        else for (const fail of reject) fail(error);
      },
    );
  }

  /** Runs each key's calls of a refused batch on their own, in their order. */
  #split(batch: Batch<T>): void {
    const perKey = new Map<string, Batch<T>>();
    const skip = this.options.limits.length;
    for (let i = 0; i < batch.calls.length; i++) {
      const key = batch.calls[i]!;
      let own = perKey.get(key);
      if (own === undefined) {
        own = this.#batch();
        perKey.set(key, own);
      }
      const at = skip + i * 3;
      this.#add(own, key, batch.argv[at + 1]!, batch.argv[at + 2]!, batch.resolve[i]!, batch.reject[i]!);
    }
    for (const own of perKey.values()) this.#run(own);
  }
}
