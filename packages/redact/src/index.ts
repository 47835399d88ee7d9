export { DEFAULT_CENSOR } from './censor.js';
export { createRedactor } from './create-redactor.js';
export { DEFAULT_KEYS, keyMatches, normalizeKey } from './keys.js';
export {
  DEFAULT_LIMITS,
  MORE_KEYS,
  moreItems,
  moreKeys,
  TRUNCATED,
  truncateString,
  type ValueLimits,
} from './limits.js';
export { DEFAULT_PATTERNS, luhnValid } from './patterns.js';
export { pseudonym } from './pseudonym.js';
export { compileRedaction, type PathState, type RedactionPlan } from './redaction-plan.js';
export { createSafeCopy, type SafeCopy, type SafeCopyOptions } from './safe-copy.js';
export type {
  Censor,
  CensorFunction,
  RedactOptions,
  Redactor,
  RedactPattern,
  RedactSelection,
} from './types.js';
