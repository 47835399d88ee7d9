import type { CacheEngine } from '../internal/engine.js';
import type { CacheEntry, CacheLock } from '../tier.js';
import { entryState } from '../ttl.js';

/**
 * What taking the lock came to: the lock (with its fencing token; `undefined` when the lock
 * tier failed or the wait ran out, and the factory runs unlocked), or the fresh entry
 * another process produced meanwhile.
 */
export type LockOutcome = { lock: CacheLock | undefined } | { entry: CacheEntry };

/**
 * Cross-process single flight (`getOrSet(key, factory, { lock })`): takes the lock for a
 * key in the first tier that can lock, or waits (polling that tier) for the holder's
 * value. Gives up waiting after `ttl` and runs the factory anyway; a failing lock tier
 * never blocks the factory. The lock's fencing token reaches the factory as
 * `context.fencingToken`, so a store can refuse writes from a holder whose lock expired.
 */
export async function acquireLock(engine: CacheEngine, key: string, ttl: number): Promise<LockOutcome> {
  const index = engine.lockTier;
  const deadline = engine.clock.now() + ttl;
  const poll = Math.max(5, Math.min(100, Math.floor(ttl / 20)));
  for (;;) {
    const attempt = await engine.runner.lock(index, key, ttl);
    if (attempt === 'failed') return { lock: undefined };
    if (attempt !== 'busy') {
      // The previous holder may have written the value and released the lock since this
      // process last looked: check before running the factory a second time.
      const entry = await freshIn(engine, index, key);
      if (entry === undefined) return attempt;
      void attempt.lock.release();
      return { entry };
    }
    if (engine.clock.now() >= deadline) return { lock: undefined };
    await engine.clock.sleep(poll);
    const entry = await freshIn(engine, index, key);
    if (entry !== undefined) return { entry };
  }
}

/** The fresh entry tier `index` holds for `key`, backfilled into the faster tiers. */
async function freshIn(engine: CacheEngine, index: number, key: string): Promise<CacheEntry | undefined> {
  const entry = await engine.runner.get(index, key);
  if (entry === undefined || entryState(entry, engine.clock.now()) !== 'fresh') return undefined;
  engine.backfill(index, key, entry);
  return entry;
}
