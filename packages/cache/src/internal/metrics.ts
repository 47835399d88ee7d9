import { getMeter } from '@ballast/core';
import type { CacheStats } from '../stats.js';

/**
 * Publishes the cache's counters as OpenTelemetry observable instruments, read only
 * when a metric reader collects: the hot path pays nothing for metrics.
 * Returns the function that unregisters them.
 */
export function registerMetrics(name: string, stats: () => CacheStats): () => void {
  const meter = getMeter('cache');
  const requests = meter.createObservableCounter('ballast.cache.requests', {
    description: 'Cache reads by namespace and result (hit, miss, stale).',
  });
  const tierRequests = meter.createObservableCounter('ballast.cache.tier.requests', {
    description: 'Tier reads by tier and result (hit, miss, error, corrupt).',
  });
  const writes = meter.createObservableCounter('ballast.cache.writes', {
    description: 'Cache sets and deletes by namespace.',
  });
  const entries = meter.createObservableGauge('ballast.cache.entries', {
    description: 'Entries held by a tier.',
  });
  const bytes = meter.createObservableGauge('ballast.cache.bytes', {
    description: 'Estimated bytes held by a tier.',
    unit: 'By',
  });
  const queueWrites = meter.createObservableCounter('ballast.cache.write_behind.writes', {
    description: 'Write-behind writes by result (flushed, failed attempt, dropped, superseded).',
  });
  const queued = meter.createObservableGauge('ballast.cache.write_behind.queued', {
    description: 'Write-behind writes waiting for a flush.',
  });
  const callback: Parameters<typeof meter.addBatchObservableCallback>[0] = (result) => {
    const snapshot = stats();
    for (const [namespace, counts] of Object.entries(snapshot.namespaces)) {
      const base = { 'cache.name': name, 'cache.namespace': namespace };
      result.observe(requests, counts.hits, { ...base, 'cache.result': 'hit' });
      result.observe(requests, counts.misses, { ...base, 'cache.result': 'miss' });
      result.observe(requests, counts.stale, { ...base, 'cache.result': 'stale' });
      result.observe(writes, counts.sets, { ...base, 'cache.operation': 'set' });
      result.observe(writes, counts.deletes, { ...base, 'cache.operation': 'delete' });
    }
    for (const tier of snapshot.tiers) {
      const base = { 'cache.name': name, 'cache.tier': tier.name };
      result.observe(tierRequests, tier.hits, { ...base, 'cache.result': 'hit' });
      result.observe(tierRequests, tier.misses, { ...base, 'cache.result': 'miss' });
      result.observe(tierRequests, tier.errors, { ...base, 'cache.result': 'error' });
      result.observe(tierRequests, tier.corrupt, { ...base, 'cache.result': 'corrupt' });
      if (tier.entries !== undefined) result.observe(entries, tier.entries, base);
      if (tier.bytes !== undefined) result.observe(bytes, tier.bytes, base);
    }
    const queue = snapshot.writeBehind;
    if (queue !== undefined) {
      const base = { 'cache.name': name };
      result.observe(queued, queue.queued, base);
      result.observe(queueWrites, queue.flushed, { ...base, 'cache.result': 'flushed' });
      result.observe(queueWrites, queue.failed, { ...base, 'cache.result': 'failed' });
      result.observe(queueWrites, queue.dropped, { ...base, 'cache.result': 'dropped' });
      result.observe(queueWrites, queue.superseded, { ...base, 'cache.result': 'superseded' });
    }
  };
  const observables = [requests, tierRequests, writes, entries, bytes, queueWrites, queued];
  meter.addBatchObservableCallback(callback, observables);
  return () => meter.removeBatchObservableCallback(callback, observables);
}
