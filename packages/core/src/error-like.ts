import { BALLAST_ERROR_BRAND as BRAND } from './internal/error-brand.js';

const toTag = Object.prototype.toString;
/**
 * Whether `value` is an error: an `Error` of this realm, one from another realm (a
 * worker, a `vm` context), or a Ballast error from any installed copy of
 * `@ballast/errors` (they carry the `Symbol.for('ballast.error')` brand).
 *
 * Never throws: a `Proxy` whose traps throw is not error-like.
 */
export function isErrorLike(value: unknown): value is Error {
  if (typeof value !== 'object' || value === null) return false;
  try {
    return (
      value instanceof Error ||
      toTag.call(value) === '[object Error]' ||
      (value as { [BRAND]?: unknown })[BRAND] === true
    );
  } catch {
    return false;
  }
}
