const ignore = (): void => {};

/**
 * The order the file tier's changes land in, even when callers do not await them: the
 * writes and deletes of one key apply in call order ({@link WriteOrder.inOrder}: temp files
 * renamed concurrently could land out of order and leave an older value than the last
 * write), and `clear()`/`deleteByTag()` apply after every write called before them and
 * before every write called after them ({@link WriteOrder.exclusive}).
 */
export class WriteOrder {
  /** Each key's last queued write or delete (settled, never rejecting) while one is pending. */
  readonly #queued = new Map<string, Promise<void>>();
  /** The last `clear()` or `deleteByTag()` (settled): writes called after it wait for it. */
  #barrier: Promise<void> = Promise.resolve();

  /** Whether a write or delete of `key` is queued and not yet settled. */
  pending(key: string): boolean {
    return this.#queued.has(key);
  }

  /** Runs `write` once every earlier write or delete of `key`, and the last exclusive change, has settled. */
  inOrder(key: string, write: () => Promise<void>): Promise<void> {
    const run = (this.#queued.get(key) ?? this.#barrier).then(write);
    const settled = run.catch(ignore);
    this.#queued.set(key, settled);
    void settled.then(() => {
      if (this.#queued.get(key) === settled) this.#queued.delete(key);
    });
    return run;
  }

  /** Runs `change` after every write called before it and before every write called after it. */
  exclusive(change: () => Promise<void>): Promise<void> {
    const before = [this.#barrier, ...this.#queued.values()];
    this.#queued.clear();
    const run = Promise.all(before).then(change);
    this.#barrier = run.catch(ignore);
    return run;
  }
}
