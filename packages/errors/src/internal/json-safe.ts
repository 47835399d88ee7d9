import { createSafeCopy, type SafeCopy, TRUNCATED } from '@ballast/redact';
import { hasBrand } from './brand.js';

/** Replaces a value whose reading threw (a throwing getter, a revoked proxy). */
const UNSERIALIZABLE = '[Unserializable]';

/** How deep {@link toJsonSafe} goes, and whether errors keep their stack. */
export interface SafeLimits {
  /** Nesting levels kept; deeper subtrees become `'[Truncated]'`. */
  readonly maxDepth: number;
  /** Whether errors keep their `stack`. */
  readonly stack: boolean;
}

/** The JSON-safe shape of an error (see `serializeError`). */
export interface SerializedError {
  /** The error's name (`'TypeError'`, `'NotFoundError'`). */
  name: string;
  /** The error's message. */
  message: string;
  /** The stack trace, unless serialized without stacks. */
  stack?: string;
  /** The Ballast code, or a system error code (`ECONNREFUSED`). */
  code?: string;
  /** The Ballast category. */
  category?: string;
  /** The HTTP status. */
  status?: number;
  /** Whether trying again may succeed. */
  retryable?: boolean;
  /** The sentence safe to show an end user. */
  userMessage?: string;
  /** What the reader can do about it. */
  suggestions?: readonly string[];
  /** Structured, JSON-safe (and redacted) facts. */
  details?: Record<string, unknown>;
  /** A link to documentation about this error. */
  docsUrl?: string;
  /** How long to wait before retrying, in ms. */
  retryAfterMs?: number;
  /** The members of an `AggregateError`. */
  errors?: unknown[];
  /** The serialized cause: an error shape, or any JSON-safe value. */
  cause?: unknown;
  /** The error's other own enumerable properties, made JSON-safe. */
  [extra: string]: unknown;
}

const SKIPPED_ERROR_KEYS = new Set(['name', 'message', 'stack', 'cause', 'errors']);
const BALLAST_FIELDS = ['code', 'category', 'status', 'retryable', 'userMessage'] as const;
const BALLAST_KEYS = new Set([
  ...SKIPPED_ERROR_KEYS,
  ...BALLAST_FIELDS,
  'suggestions',
  'details',
  'docsUrl',
  'retryAfterMs',
]);

function read(source: object, key: PropertyKey): unknown {
  try {
    return (source as Record<PropertyKey, unknown>)[key];
  } catch {
    return UNSERIALIZABLE;
  }
}

function text(value: unknown, fallback: string): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return fallback;
  try {
    return String(value);
  } catch {
    return fallback;
  }
}

function isEmptyObject(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  try {
    return Object.keys(value).length === 0;
  } catch {
    return false;
  }
}

/** Sets `key` without ever touching the prototype (`__proto__` is a plain key in the output). */
function put(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

/**
 * The fields an error shows in `serializeError`, not yet made JSON-safe (the walk of
 * `@ballast/redact` does that, cycles and limits included): name, message, every Ballast
 * field, own enumerable fields (Node's `code`, `errno`, `syscall`…), stack, AggregateError
 * members and the cause. Each read is guarded: a getter that throws shows `'[Unserializable]'`.
 */
function errorFields(error: Error, stack: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: text(read(error, 'name'), 'Error'),
    message: text(read(error, 'message'), ''),
  };
  const ballast = hasBrand(error);
  if (ballast) {
    for (const key of BALLAST_FIELDS) out[key] = read(error, key);
    const suggestions = read(error, 'suggestions');
    if (suggestions !== undefined && (!Array.isArray(suggestions) || suggestions.length > 0)) {
      out.suggestions = suggestions;
    }
    const details = read(error, 'details');
    if (details !== undefined && !isEmptyObject(details)) out.details = details;
    const docsUrl = read(error, 'docsUrl');
    if (docsUrl !== undefined) out.docsUrl = docsUrl;
    const retryAfterMs = read(error, 'retryAfterMs');
    if (retryAfterMs !== undefined) out.retryAfterMs = retryAfterMs;
  }
  const skipped = ballast ? BALLAST_KEYS : SKIPPED_ERROR_KEYS;
  let keys: string[];
  try {
    keys = Object.keys(error);
  } catch {
    keys = [];
  }
  for (const key of keys) {
    if (skipped.has(key)) continue;
    const value = read(error, key);
    if (value === undefined || typeof value === 'function') continue;
    put(out, key, value);
  }
  if (stack) {
    const trace = read(error, 'stack');
    if (typeof trace === 'string') out.stack = trace;
  }
  const errors = read(error, 'errors');
  if (Array.isArray(errors)) out.errors = errors;
  const cause = read(error, 'cause');
  if (cause !== undefined) out.cause = cause;
  return out;
}

const withStack = (error: Error) => errorFields(error, true);
const withoutStack = (error: Error) => errorFields(error, false);

/** One compiled copier per depth and stack setting (a few in practice; capped all the same). */
const copiers = new Map<string, SafeCopy>();

function copier(maxDepth: number, stack: boolean): SafeCopy {
  const id = `${maxDepth}:${stack}`;
  let copy = copiers.get(id);
  if (copy === undefined) {
    if (copiers.size >= 64) copiers.clear();
    copy = createSafeCopy({ maxDepth, describeError: stack ? withStack : withoutStack });
    copiers.set(id, copy);
  }
  return copy;
}

/**
 * Converts any value into one `JSON.stringify` accepts and renders faithfully, through the
 * one walk of `@ballast/redact` (`createSafeCopy`): cycles become `'[Circular]'`, deep
 * subtrees `'[Truncated]'`, throwing getters `'[Unserializable]'`, long arrays, objects and
 * strings end in a marker; errors take the shape of `serializeError`. `depth` is where
 * `value` stands below the limits' root. Never throws.
 */
export function toJsonSafe(value: unknown, limits: SafeLimits, depth: number): unknown {
  const below = limits.maxDepth - depth - 1;
  if (below < 0 && typeof value === 'object' && value !== null) return TRUNCATED;
  return copier(Math.max(below, 0), limits.stack)(value);
}
