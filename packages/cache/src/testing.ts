export { cacheTierContract, type TierContractOptions } from './contract.js';
