export { DEFAULT_CENSOR } from './censor.js';
export { createRedactor } from './create-redactor.js';
export { DEFAULT_KEYS, keyMatches, normalizeKey } from './keys.js';
export { type PathSegment, parsePath, WILDCARD } from './path-parser.js';
export { DEFAULT_PATTERNS, luhnValid } from './patterns.js';
export { pseudonym } from './pseudonym.js';
export type { Censor, CensorFunction, RedactOptions, Redactor, RedactPattern } from './types.js';
