export { cacheTierContract, type TierContractOptions } from './contract.js';
export type { CacheEntry, CacheLock, CacheTier, MaybePromise, TierStats } from './tier.js';
