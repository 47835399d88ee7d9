import type { TierStats } from './tier.js';

/** Counters of one namespace (the root namespace is `''`). */
export interface NamespaceStats {
  hits: number;
  misses: number;
  /** Stale values served by fail-safe. */
  stale: number;
  sets: number;
  deletes: number;
  /** Factory failures. */
  errors: number;
  /** hits / (hits + misses); 0 before any read. */
  hitRatio: number;
}

/** Counters of one tier, with what the tier reports about itself. */
export interface TierStatsSnapshot extends TierStats {
  name: string;
  hits: number;
  misses: number;
  sets: number;
  deletes: number;
  /** Failed or timed-out operations and reads rejected by an open breaker. */
  errors: number;
  /** Entries that could not be deserialized: deleted and treated as misses. */
  corrupt: number;
  /** hits / (hits + misses) of this tier's reads; 0 before any read. */
  hitRatio: number;
  /** The tier's circuit breaker, for tiers that are not in-process. */
  breaker?: string;
  /** Auto-recovery of a shared tier (Redis): writes it missed while unavailable, and their repair. */
  recovery?: RecoveryStats;
}

/**
 * Auto-recovery of one shared tier: what a write, delete, tag deletion or clear skipped
 * while the tier was unavailable is remembered (up to 10,000 keys per tier) and repaired
 * once it answers again.
 */
export interface RecoveryStats {
  /** Keys (and tags, and a clear) whose change this tier missed, awaiting repair. */
  pending: number;
  /** Keys repaired since the cache started. */
  repaired: number;
  /** Keys forgotten because more than 10,000 awaited repair (they expire by their TTL). */
  dropped: number;
}

/** Counters of the write-behind queue (`writeBehind` option). */
export interface WriteBehindStats {
  /** Writes waiting for a flush (at most one per key: the latest). */
  queued: number;
  /** Writes that reached every slower tier. */
  flushed: number;
  /** Failed attempts; a failed write is retried until `maxAttempts`. */
  failed: number;
  /**
   * Writes given up after `maxAttempts` failed attempts: the slower tiers miss them (each
   * is also reported by a `write-behind:drop` event). A full queue never drops writes: it
   * makes writers wait.
   */
  dropped: number;
  /**
   * Writes replaced before they reached the slower tiers: by a newer write of their key, or
   * overtaken by `clear()` or `deleteByTag()`.
   */
  superseded: number;
}

/** What `cache.stats()` returns: totals, per tier and per namespace. */
export interface CacheStats extends NamespaceStats {
  name: string;
  /** The in-process tier's size, when the first tier is in-process. */
  l1: { entries: number; bytes: number } | undefined;
  tiers: TierStatsSnapshot[];
  namespaces: Record<string, NamespaceStats>;
  /** The write-behind queue, when `writeBehind` is on. */
  writeBehind: WriteBehindStats | undefined;
}

/** Mutable counters of a namespace: its stats without the derived ratio. */
export type NamespaceCounters = Omit<NamespaceStats, 'hitRatio'>;

/** Mutable counters of a tier: the counted part of its stats. */
export type TierCounters = Pick<
  TierStatsSnapshot,
  'hits' | 'misses' | 'sets' | 'deletes' | 'errors' | 'corrupt'
>;

/** Fresh zeroed namespace counters. */
export function namespaceCounters(): NamespaceCounters {
  return { hits: 0, misses: 0, stale: 0, sets: 0, deletes: 0, errors: 0 };
}

/** Fresh zeroed tier counters. */
export function tierCounters(): TierCounters {
  return { hits: 0, misses: 0, sets: 0, deletes: 0, errors: 0, corrupt: 0 };
}

/** hits / (hits + misses); 0 before any read. */
export function hitRatio(counters: { hits: number; misses: number }): number {
  const reads = counters.hits + counters.misses;
  return reads === 0 ? 0 : counters.hits / reads;
}

/** Adds the hit ratio to a copy of the counters. */
export function withRatio(counters: NamespaceCounters): NamespaceStats {
  return { ...counters, hitRatio: hitRatio(counters) };
}
