/** The brand every Ballast error carries, shared by every installed copy of this package. */
export const BALLAST_ERROR_BRAND: unique symbol = Symbol.for('ballast.error') as never;

/** The fields every Ballast error has, as seen through the brand (any installed copy). */
export interface BrandedError extends Error {
  readonly code: string;
  readonly category: string;
  readonly status: number;
  readonly retryable: boolean;
  readonly userMessage: string;
  readonly suggestions: readonly string[];
  readonly details: Record<string, unknown>;
  readonly docsUrl: string | undefined;
  readonly retryAfterMs: number | undefined;
}

/** Whether `value` carries the Ballast brand (own or inherited). */
export function hasBrand(value: unknown): value is BrandedError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { [BALLAST_ERROR_BRAND]?: unknown })[BALLAST_ERROR_BRAND] === true
  );
}
