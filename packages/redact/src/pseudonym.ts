import { HASH_UNAVAILABLE, pseudonym as keyedPseudonym, nodeHmac } from './internal/censor.js';
import { invalidOption } from './internal/configuration-error.js';

/** What `hashKey` must be: a non-empty string or Uint8Array. */
export const HASH_KEY_EXPECTED = "a non-empty string or Uint8Array (required by censor: 'hash')";

/** Whether `key` can key the HMAC of `censor: 'hash'`. */
export function isHashKey(key: unknown): key is string | Uint8Array {
  return (typeof key === 'string' && key.length > 0) || (key instanceof Uint8Array && key.byteLength > 0);
}

/**
 * The pseudonym that `censor: 'hash'` writes for `value` under `hashKey`:
 * `[REDACTED:` + the first 8 hex digits of HMAC-SHA-256 + `]` (strings as they are, other
 * values as JSON). Compute it to find the log lines and error reports about one user or
 * email address without ever storing the value itself.
 *
 * @example
 * const tag = pseudonym(process.env.REDACT_HASH_KEY, 'ada@example.com'); // '[REDACTED:3f9a1c2e]'
 * // grep the logs for tag: every line where the logger hashed that address
 *
 * @throws RedactConfigurationError when `hashKey` is not a non-empty string or Uint8Array,
 * or in a runtime without `node:crypto` (a browser).
 */
export function pseudonym(hashKey: string | Uint8Array, value: unknown): string {
  if (!isHashKey(hashKey)) throw invalidOption('hashKey', hashKey, HASH_KEY_EXPECTED);
  if (nodeHmac() === undefined) throw invalidOption('censor', 'hash', HASH_UNAVAILABLE);
  return keyedPseudonym(hashKey, value);
}
