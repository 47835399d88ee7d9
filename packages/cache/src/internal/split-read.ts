import type { CacheEntry, CacheTier } from '../tier.js';

/**
 * Where a built-in remote tier keeps its {@link SplitRead}: not part of `CacheTier`,
 * so custom tiers never see it.
 */
export const SPLIT_READ: unique symbol = Symbol('ballast.cache.splitRead') as never;

/**
 * A tier read in two steps, so that the guarded read can decode in the same continuation
 * that settles it instead of one more promise per read. `CacheTier.get` must equal
 * `fetch` then `decode`.
 */
export interface SplitRead {
  /** Sends the read; `undefined` when the tier cannot right now (then use `get`). */
  fetch(key: string): Promise<string | null> | undefined;
  /**
   * `fetch` without a promise per read: sends the read and calls `done` or `fail` once;
   * false (nothing called) when the tier cannot right now. Used instead of `fetch` when given.
   */
  read?(key: string, done: (raw: string | null) => void, fail: (error: unknown) => void): boolean;
  /** The entry from what `fetch` returned; a promise (rejecting) only for a corrupt entry. */
  decode(raw: string | null, key: string): CacheEntry | undefined | Promise<never>;
}

/** The tier's split read, if it has one. */
export function splitReadOf(tier: CacheTier): SplitRead | undefined {
  return (tier as { [SPLIT_READ]?: SplitRead })[SPLIT_READ];
}
