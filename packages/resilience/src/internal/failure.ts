import { CATEGORIES, normalizeError } from '@ballast/errors';

/**
 * The default `isFailure` of a circuit breaker: everything counts except errors
 * whose category is client-side (validation, not_found, authentication,
 * authorization, conflict) and cancellations, which say nothing about the dependency's health.
 */
export function isDependencyFailure(error: unknown): boolean {
  const { category } = normalizeError(error);
  // A caller that gave up says nothing about the dependency either.
  return category !== 'cancelled' && CATEGORIES[category]?.clientSide !== true;
}
