/** The default replacement for a secret: what `createRedactor()` writes in place of each one. */
export const DEFAULT_CENSOR = '[REDACTED]';
