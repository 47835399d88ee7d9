export {
  type ContractRunner,
  cacheTierContract,
  type TierContractContext,
  type TierContractOptions,
} from './contract.js';
export type { CacheEntry, CacheLock, CacheTier, MaybePromise, TierStats } from './tier.js';
