import { type CacheBus, type CacheTier, redisBus, redisTier } from '@ballast/cache';
import type { Redis } from 'ioredis';

/**
 * With `REDIS_URL`: Redis as the cache's L2 (shared by every replica, behind the cache's
 * own breaker so a Redis outage never fails a read) and a Redis pub/sub bus that keeps
 * the replicas' in-process L1s coherent.
 */
export function redisCacheParts(redis: Redis, prefix: string): { extraTiers: CacheTier[]; bus: CacheBus } {
  return {
    extraTiers: [redisTier({ client: redis, prefix })],
    bus: redisBus({ client: redis, channel: `${prefix}bus` }),
  };
}
