import { isErrorLike } from '@ballast/core';
import { fastSerialize } from './internal/fast-serialize.js';
import { type SafeLimits, type SerializedError, toJsonSafe } from './internal/json-safe.js';
import { type Redaction, resolveRedactor } from './internal/redaction.js';

export type { Redactor } from '@ballast/redact';
export type { SerializedError } from './internal/json-safe.js';
export type { Redaction } from './internal/redaction.js';

/** Options for {@link serializeError}. */
export interface SerializeErrorOptions {
  /**
   * Redacts the serialized error (messages, stacks, details, custom fields, causes)
   * through `@ballast/redact`: a redactor from `createRedactor()` (compiled once: the
   * fast way), `RedactOptions` (compiled on first use and cached per options object),
   * `true` for the default keys and patterns, or `false` to return it as is (for a
   * caller that redacts the result itself, such as a logger with its own redaction).
   * @defaultValue `true`
   */
  redact?: Redaction;
  /**
   * Nesting levels kept (cause chains count); deeper subtrees become `'[Truncated]'`.
   * @defaultValue `10`
   */
  maxDepth?: number;
  /**
   * Whether stacks are kept.
   * @defaultValue `true`
   */
  stack?: boolean;
}

const DEFAULT_LIMITS: SafeLimits = Object.freeze({ maxDepth: 10, stack: true });

function limitsOf(options: SerializeErrorOptions): SafeLimits {
  if (options.maxDepth === undefined && options.stack === undefined) return DEFAULT_LIMITS;
  const maxDepth = options.maxDepth;
  return {
    maxDepth: typeof maxDepth === 'number' && maxDepth >= 1 ? Math.floor(maxDepth) : DEFAULT_LIMITS.maxDepth,
    stack: options.stack ?? true,
  };
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return `${value} was thrown`;
  if (typeof value === 'object') return `A non-error ${Array.isArray(value) ? 'array' : 'object'} was thrown`;
  return `A non-error ${typeof value} was thrown`;
}

/**
 * Turns any thrown value into a JSON-safe, cycle-safe plain object for logs and
 * reports: `name`, `message`, every Ballast field, `stack`, the error's own fields
 * (Node's `code`, `errno`, `syscall`…), AggregateError members in `errors` and the
 * whole `cause` chain. A non-error becomes `{ name: 'NonError', message, value }`.
 * Redacted by default with `@ballast/redact`'s default keys and patterns (see
 * `redact`); when redaction throws, only `{ name, message: '[Redaction failed]' }` is
 * returned. Never throws; cycles become `'[Circular]'`, throwing getters `'[Unserializable]'`.
 *
 * @example
 * const redact = createRedactor({ keys: ['ssn'] }); // compile once
 * logger.error({ err: serializeError(err, { redact }) }, 'payment failed');
 */
export function serializeError(error: unknown, options: SerializeErrorOptions = {}): SerializedError {
  const limits = limitsOf(options);
  // The common error in one pass (internal/fast-serialize.ts): the same result, or undefined.
  if (limits.maxDepth === DEFAULT_LIMITS.maxDepth && isErrorLike(error)) {
    const redact = options.redact;
    if (redact === undefined || typeof redact === 'boolean') {
      const fast = fastSerialize(error, redact !== false, Boolean(limits.stack));
      if (fast !== undefined) return fast;
    }
  }
  return serializeByWalk(error, options, limits);
}

/**
 * {@link serializeError} by the full walk of `@ballast/redact` (copy, then redact), for every
 * value; exported for the test holding the fast path equal to it.
 * @internal
 */
export function serializeByWalk(
  error: unknown,
  options: SerializeErrorOptions,
  limits: SafeLimits = limitsOf(options),
): SerializedError {
  let out: SerializedError;
  try {
    if (isErrorLike(error)) {
      const safe = toJsonSafe(error, limits, 0);
      out =
        typeof safe === 'object' && safe !== null
          ? (safe as SerializedError)
          : { name: 'NonError', message: 'An unreadable value was thrown' };
    } else {
      out = { name: 'NonError', message: describe(error) };
      if (typeof error !== 'string') out.value = toJsonSafe(error, limits, 1);
    }
  } catch {
    out = { name: 'NonError', message: 'An unreadable value was thrown' };
  }
  if (options.redact === false) return out;
  try {
    return resolveRedactor(options.redact, true)!(out) as SerializedError;
  } catch {
    // Fail closed: a redactor that cannot run must not let the unredacted error through.
    return { name: out.name, message: '[Redaction failed]' };
  }
}
