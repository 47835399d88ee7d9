export { createRedactor } from './create-redactor.js';
export { DEFAULT_CENSOR } from './internal/censor.js';
export { type PathSegment, parsePath, WILDCARD } from './internal/path-parser.js';
export { DEFAULT_KEYS, keyMatches, normalizeKey } from './keys.js';
export { DEFAULT_PATTERNS, luhnValid } from './patterns.js';
export { pseudonym } from './pseudonym.js';
export type { Censor, CensorFunction, RedactOptions, Redactor, RedactPattern } from './types.js';
