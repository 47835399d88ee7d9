import { CATEGORIES, isBallastError, isErrorCategory } from '@ballast/errors';

/**
 * The default `isFailure` of a circuit breaker: everything counts except errors
 * whose category is client-side (validation, not_found, authentication,
 * authorization, conflict), which say nothing about the dependency's health.
 */
export function isDependencyFailure(error: unknown): boolean {
  if (isBallastError(error) && isErrorCategory(error.category)) return !CATEGORIES[error.category].clientSide;
  return true;
}
