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
  /** The tier's circuit breaker, for tiers that are not in-process. */
  breaker?: string;
}

/** What `cache.stats()` returns: totals, per tier and per namespace. */
export interface CacheStats extends NamespaceStats {
  name: string;
  /** The in-process tier's size, when the first tier is in-process. */
  l1: { entries: number; bytes: number } | undefined;
  tiers: TierStatsSnapshot[];
  namespaces: Record<string, NamespaceStats>;
}

/** Mutable counters of a namespace. */
export interface NamespaceCounters {
  hits: number;
  misses: number;
  stale: number;
  sets: number;
  deletes: number;
  errors: number;
}

/** Mutable counters of a tier. */
export interface TierCounters {
  hits: number;
  misses: number;
  sets: number;
  deletes: number;
  errors: number;
  corrupt: number;
}

/** Fresh zeroed namespace counters. */
export function namespaceCounters(): NamespaceCounters {
  return { hits: 0, misses: 0, stale: 0, sets: 0, deletes: 0, errors: 0 };
}

/** Fresh zeroed tier counters. */
export function tierCounters(): TierCounters {
  return { hits: 0, misses: 0, sets: 0, deletes: 0, errors: 0, corrupt: 0 };
}

/** Adds the hit ratio to a copy of the counters. */
export function withRatio(counters: NamespaceCounters): NamespaceStats {
  const reads = counters.hits + counters.misses;
  return { ...counters, hitRatio: reads === 0 ? 0 : counters.hits / reads };
}
