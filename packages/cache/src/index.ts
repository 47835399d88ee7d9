export type { BusHandlers, BusHealth, BusMessage, CacheBus } from './bus/bus.js';
export { type RedisBusOptions, redisBus } from './bus/redis-bus.js';
export { createCache } from './cache.js';
export { CorruptEntryError } from './errors.js';
export type { CacheEvents } from './events.js';
export type { Factory, FactoryContext } from './factory.js';
export type { RedisClientLike } from './internal/redis-client.js';
export type {
  Cache,
  CacheOptions,
  GetOptions,
  GetOrSetOptions,
  SetOptions,
  TierProtection,
  WriteBehindOptions,
} from './options.js';
export type { CachePolicy } from './policy.js';
export { jsonSerializer, type Serializer } from './serializer.js';
export type {
  CacheStats,
  NamespaceStats,
  RecoveryStats,
  TierStatsSnapshot,
  WriteBehindStats,
} from './stats.js';
export type { CacheEntry, CacheLock, CacheTier, MaybePromise, TierStats } from './tier.js';
export { type FileTierOptions, fileTier } from './tiers/file/file-tier.js';
export { type MemoryTierOptions, memoryTier, parseBytes } from './tiers/memory.js';
export { type RedisTierOptions, redisTier } from './tiers/redis.js';
export {
  type AdaptiveRange,
  applyJitter,
  createEntry,
  type EntryState,
  type EntryTiming,
  entryState,
  nextAdaptiveTtl,
  refreshDue,
  remainingLife,
} from './ttl.js';
export type { WarmItem, WarmOptions, WarmResult, WarmSource } from './warm.js';
