import { createTelemetry } from '@ballast/core';
import type { ObservableResult } from '@opentelemetry/api';
import type { CacheStats } from './stats.js';

/**
 * Every span and metric of `@ballast/cache`: the instruments are created from these
 * definitions and `docs/telemetry.md` is generated from them. The metrics are observable:
 * read from the cache's own counters ({@link CacheStats}) when a metric reader collects,
 * so the read path pays nothing for them.
 */
export const telemetry = createTelemetry({
  package: 'cache',
  attributes: {
    'cache.name': 'The cache name (`name` option).',
    'cache.namespace': "The namespace of a read or write (`''` for the root).",
    'cache.tier': 'The tier name: `memory`, `redis`, `file` or a custom tier’s.',
    'cache.result':
      'How a read or queued write ended: hit, miss, stale (reads); hit, miss, error, corrupt (tier reads); flushed, failed, dropped, superseded (write-behind).',
    'cache.operation': 'The write: set or delete.',
    'db.system.name': 'The database of a shared tier: `redis`.',
    'db.operation.name': 'The tier operation: get, set, delete, deleteByTag or clear (Redis tier spans).',
    'error.type': 'The error code or class name of a failed tier operation.',
  },
  spans: [
    {
      name: 'cache.get',
      kind: 'internal',
      description:
        'One read of a remote tier (never an in-process one, so never an L1 hit). Active: a Redis client span nests under it.',
      attributes: ['cache.name', 'cache.tier', 'db.system.name', 'db.operation.name', 'error.type'],
    },
    {
      name: 'cache.set',
      kind: 'internal',
      description: 'One write to a remote tier. Active.',
      attributes: ['cache.name', 'cache.tier', 'db.system.name', 'db.operation.name', 'error.type'],
    },
    {
      name: 'cache.delete',
      kind: 'internal',
      description: 'One delete from a remote tier. Active.',
      attributes: ['cache.name', 'cache.tier', 'db.system.name', 'db.operation.name', 'error.type'],
    },
    {
      name: 'cache.deleteByTag',
      kind: 'internal',
      description: 'One tag deletion on a remote tier. Active.',
      attributes: ['cache.name', 'cache.tier', 'db.system.name', 'db.operation.name', 'error.type'],
    },
    {
      name: 'cache.clear',
      kind: 'internal',
      description: 'One clear of a remote tier. Active.',
      attributes: ['cache.name', 'cache.tier', 'db.system.name', 'db.operation.name', 'error.type'],
    },
  ],
  events: [],
  metrics: {
    requests: {
      name: 'ballast.cache.requests',
      kind: 'observablecounter',
      unit: '{request}',
      description: 'Cache reads by namespace and result (hit, miss, stale).',
      attributes: ['cache.name', 'cache.namespace', 'cache.result'],
    },
    tierRequests: {
      name: 'ballast.cache.tier.requests',
      kind: 'observablecounter',
      unit: '{request}',
      description: 'Tier reads by tier and result (hit, miss, error, corrupt).',
      attributes: ['cache.name', 'cache.tier', 'cache.result'],
    },
    writes: {
      name: 'ballast.cache.writes',
      kind: 'observablecounter',
      unit: '{write}',
      description: 'Cache sets and deletes by namespace.',
      attributes: ['cache.name', 'cache.namespace', 'cache.operation'],
    },
    entries: {
      name: 'ballast.cache.entries',
      kind: 'gauge',
      unit: '{entry}',
      description: 'Entries held by a tier.',
      attributes: ['cache.name', 'cache.tier'],
    },
    bytes: {
      name: 'ballast.cache.bytes',
      kind: 'gauge',
      unit: 'By',
      description: 'Estimated bytes held by a tier.',
      attributes: ['cache.name', 'cache.tier'],
    },
    writeBehindWrites: {
      name: 'ballast.cache.write_behind.writes',
      kind: 'observablecounter',
      unit: '{write}',
      description: 'Write-behind writes by result (flushed, failed attempt, dropped, superseded).',
      attributes: ['cache.name', 'cache.result'],
    },
    writeBehindQueued: {
      name: 'ballast.cache.write_behind.queued',
      kind: 'gauge',
      unit: '{write}',
      description: 'Write-behind writes waiting for a flush.',
      attributes: ['cache.name'],
    },
  },
});

/** What the metrics read of one cache: its name, its stats, and whether it is closed. */
export interface CacheMetricsSource {
  readonly name: string;
  readonly stats: () => CacheStats;
  closed: boolean;
}

type Reader = (source: CacheMetricsSource, result: ObservableResult) => void;

/** Reads one instrument's points from a snapshot of the stats; nothing once the cache is closed. */
function reader(read: (snapshot: CacheStats, name: string, result: ObservableResult) => void): Reader {
  return (source, result) => {
    if (!source.closed) read(source.stats(), source.name, result);
  };
}

const READERS: Record<keyof typeof telemetry.definitions.metrics, Reader> = {
  requests: reader((snapshot, name, result) => {
    for (const [namespace, counts] of Object.entries(snapshot.namespaces)) {
      const base = { 'cache.name': name, 'cache.namespace': namespace };
      result.observe(counts.hits, { ...base, 'cache.result': 'hit' });
      result.observe(counts.misses, { ...base, 'cache.result': 'miss' });
      result.observe(counts.stale, { ...base, 'cache.result': 'stale' });
    }
  }),
  writes: reader((snapshot, name, result) => {
    for (const [namespace, counts] of Object.entries(snapshot.namespaces)) {
      const base = { 'cache.name': name, 'cache.namespace': namespace };
      result.observe(counts.sets, { ...base, 'cache.operation': 'set' });
      result.observe(counts.deletes, { ...base, 'cache.operation': 'delete' });
    }
  }),
  tierRequests: reader((snapshot, name, result) => {
    for (const tier of snapshot.tiers) {
      const base = { 'cache.name': name, 'cache.tier': tier.name };
      result.observe(tier.hits, { ...base, 'cache.result': 'hit' });
      result.observe(tier.misses, { ...base, 'cache.result': 'miss' });
      result.observe(tier.errors, { ...base, 'cache.result': 'error' });
      result.observe(tier.corrupt, { ...base, 'cache.result': 'corrupt' });
    }
  }),
  entries: reader((snapshot, name, result) => {
    for (const tier of snapshot.tiers) {
      if (tier.entries !== undefined)
        result.observe(tier.entries, { 'cache.name': name, 'cache.tier': tier.name });
    }
  }),
  bytes: reader((snapshot, name, result) => {
    for (const tier of snapshot.tiers) {
      if (tier.bytes !== undefined)
        result.observe(tier.bytes, { 'cache.name': name, 'cache.tier': tier.name });
    }
  }),
  writeBehindWrites: reader((snapshot, name, result) => {
    const queue = snapshot.writeBehind;
    if (queue === undefined) return;
    result.observe(queue.flushed, { 'cache.name': name, 'cache.result': 'flushed' });
    result.observe(queue.failed, { 'cache.name': name, 'cache.result': 'failed' });
    result.observe(queue.dropped, { 'cache.name': name, 'cache.result': 'dropped' });
    result.observe(queue.superseded, { 'cache.name': name, 'cache.result': 'superseded' });
  }),
  writeBehindQueued: reader((snapshot, name, result) => {
    if (snapshot.writeBehind !== undefined)
      result.observe(snapshot.writeBehind.queued, { 'cache.name': name });
  }),
};

/**
 * Publishes a cache's counters through its observable instruments, under whichever meter
 * provider is (or later becomes) registered, for as long as `source` lives; the cache
 * keeps `source` and sets `closed` when it closes, which stops its points.
 */
export function observeCache(source: CacheMetricsSource): void {
  for (const [key, read] of Object.entries(READERS)) {
    telemetry.observe(key as keyof typeof READERS, source, read);
  }
  telemetry.instruments();
}
