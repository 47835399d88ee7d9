import type { CacheEntry } from './tier.js';

/** Where an entry stands at a point in time. */
export type EntryState = 'fresh' | 'stale' | 'expired';

/** Whether an entry is fresh (`now < freshUntil`), stale (`now < staleUntil`) or expired. */
export function entryState(entry: Pick<CacheEntry, 'freshUntil' | 'staleUntil'>, now: number): EntryState {
  if (now < entry.freshUntil) return 'fresh';
  if (now < entry.staleUntil) return 'stale';
  return 'expired';
}

/**
 * Spreads a TTL by ± `jitter` (a fraction in [0, 1)) so entries written together do not
 * expire together. `random` is a number in [0, 1); the result is a whole number ≥ 1
 * unless `ttl` is 0.
 */
export function applyJitter(ttl: number, jitter: number, random: number): number {
  if (jitter === 0 || ttl === 0) return ttl;
  return Math.max(1, Math.round(ttl * (1 + jitter * (2 * random - 1))));
}

/** The bounds of adaptive TTL, in ms. */
export interface AdaptiveRange {
  /** The shortest TTL it may pick, ms. */
  readonly min: number;
  /** The longest TTL it may pick, ms. */
  readonly max: number;
}

/**
 * Adaptive TTL: a refresh that returns an unchanged value doubles the previous TTL (up
 * to `max`); a changed value, or no previous entry, starts again at `min`.
 */
export function nextAdaptiveTtl(
  previous: number | undefined,
  changed: boolean,
  range: AdaptiveRange,
): number {
  if (previous === undefined || changed) return range.min;
  return Math.min(range.max, Math.max(range.min, previous * 2));
}

/**
 * Whether a fresh entry is past the refresh-ahead point: `ratio` (in (0, 1)) of its
 * fresh life has elapsed.
 */
export function refreshDue(
  entry: Pick<CacheEntry, 'createdAt' | 'freshUntil'>,
  now: number,
  ratio: number,
): boolean {
  return now >= entry.createdAt + (entry.freshUntil - entry.createdAt) * ratio;
}

/** Inputs to {@link createEntry}. */
export interface EntryTiming {
  /** When the entry is written (epoch ms, from the cache clock). */
  readonly now: number;
  /** The TTL before jitter, ms. */
  readonly ttl: number;
  /** How long the entry stays usable as stale after it stops being fresh, ms. */
  readonly grace: number;
  /** ± fraction applied to `ttl`. */
  readonly jitter: number;
  /** A number in [0, 1) for the jitter. */
  readonly random: number;
}

/** Builds an entry: fresh for the jittered TTL, then stale for `grace`. */
export function createEntry<T>(value: T, tags: readonly string[], timing: EntryTiming): CacheEntry<T> {
  const lifetime = applyJitter(timing.ttl, timing.jitter, timing.random);
  const freshUntil = timing.now + lifetime;
  return {
    value,
    createdAt: timing.now,
    freshUntil,
    staleUntil: freshUntil + timing.grace,
    ttl: timing.ttl,
    tags,
  };
}

/** Milliseconds until the entry may no longer be served at all (0 when expired). */
export function remainingLife(entry: Pick<CacheEntry, 'staleUntil'>, now: number): number {
  return Math.max(0, entry.staleUntil - now);
}
