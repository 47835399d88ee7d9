/**
 * The brand every Ballast error carries, shared by every installed copy and build (ESM,
 * CJS). In a module of its own so `isErrorLike` can check it without bundling the error
 * base class; `@ballast/core/error-base` exports it.
 */
export const BALLAST_ERROR_BRAND: unique symbol = Symbol.for('ballast.error') as never;
