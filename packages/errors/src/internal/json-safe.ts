import { isErrorLike } from '@ballast/core';
import { hasBrand } from './brand.js';

/** Marks a reference back to an object that is being serialized (a cycle). */
export const CIRCULAR = '[Circular]';
/** Replaces a subtree deeper than the depth limit. */
export const TRUNCATED = '[Truncated]';
/** Replaces a value whose reading threw (a throwing getter, a revoked proxy). */
export const UNSERIALIZABLE = '[Unserializable]';

/** How deep and how wide {@link toJsonSafe} goes. */
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

/** Sets `key` without ever touching the prototype (`__proto__` is a plain key in the output). */
function put(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

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

/**
 * Converts an error into a JSON-safe object: name, message, Ballast fields, stack,
 * own enumerable fields (Node's `code`, `errno`, `syscall`…), AggregateError members
 * and the cause chain. `ancestors` holds the objects on the current path (cycles).
 */
export function errorToJsonSafe(
  error: Error,
  limits: SafeLimits,
  ancestors: Set<unknown>,
  depth: number,
): SerializedError {
  ancestors.add(error);
  let out: SerializedError;
  try {
    out = fastError(error, limits, ancestors, depth);
  } catch {
    // A getter threw somewhere: redo it reading every field defensively.
    out = guardedError(error, limits, ancestors, depth);
  }
  ancestors.delete(error);
  return out;
}

const BALLAST_KEYS = new Set([
  ...SKIPPED_ERROR_KEYS,
  'code',
  'category',
  'status',
  'retryable',
  'userMessage',
  'suggestions',
  'details',
  'docsUrl',
  'retryAfterMs',
]);

/** The common case, straight-line: no per-field try/catch, Ballast fields written directly. */
function fastError(
  error: Error,
  limits: SafeLimits,
  ancestors: Set<unknown>,
  depth: number,
): SerializedError {
  const out: SerializedError = { name: text(error.name, 'Error'), message: text(error.message, '') };
  const next = depth + 1;
  const ballast = hasBrand(error);
  if (ballast) {
    out.code = toJsonSafe(error.code, limits, ancestors, next) as string;
    out.category = toJsonSafe(error.category, limits, ancestors, next) as string;
    out.status = toJsonSafe(error.status, limits, ancestors, next) as number;
    out.retryable = toJsonSafe(error.retryable, limits, ancestors, next) as boolean;
    out.userMessage = toJsonSafe(error.userMessage, limits, ancestors, next) as string;
    const { suggestions, details, docsUrl, retryAfterMs } = error;
    if (suggestions !== undefined && (!Array.isArray(suggestions) || suggestions.length > 0)) {
      out.suggestions = toJsonSafe(suggestions, limits, ancestors, next) as string[];
    }
    if (details !== undefined && !isEmptyObject(details))
      out.details = toJsonSafe(details, limits, ancestors, next) as ErrorFields;
    if (docsUrl !== undefined) out.docsUrl = toJsonSafe(docsUrl, limits, ancestors, next) as string;
    if (retryAfterMs !== undefined)
      out.retryAfterMs = toJsonSafe(retryAfterMs, limits, ancestors, next) as number;
  }
  const skipped = ballast ? BALLAST_KEYS : SKIPPED_ERROR_KEYS;
  for (const key of Object.keys(error)) {
    if (skipped.has(key)) continue;
    const value = (error as unknown as Record<string, unknown>)[key];
    if (value === undefined || typeof value === 'function') continue;
    put(out, key, toJsonSafe(value, limits, ancestors, next));
  }
  if (limits.stack && typeof error.stack === 'string') out.stack = error.stack;
  const errors = (error as { errors?: unknown }).errors;
  if (Array.isArray(errors)) out.errors = toJsonSafe(errors, limits, ancestors, next) as unknown[];
  const cause = error.cause;
  if (cause !== undefined) out.cause = toJsonSafe(cause, limits, ancestors, next);
  return out;
}

type ErrorFields = Record<string, unknown>;

/** The same as {@link fastError}, reading each field under its own guard. */
function guardedError(
  error: Error,
  limits: SafeLimits,
  ancestors: Set<unknown>,
  depth: number,
): SerializedError {
  const out: SerializedError = {
    name: text(read(error, 'name'), 'Error'),
    message: text(read(error, 'message'), ''),
  };
  const ballast = hasBrand(error);
  let keys: string[];
  try {
    keys = Object.keys(error);
  } catch {
    keys = [];
  }
  for (const key of keys) {
    if (SKIPPED_ERROR_KEYS.has(key)) continue;
    const value = read(error, key);
    if (value === undefined || typeof value === 'function') continue;
    if (ballast && key === 'suggestions' && Array.isArray(value) && value.length === 0) continue;
    if (ballast && key === 'details' && isEmptyObject(value)) continue;
    put(out, key, toJsonSafe(value, limits, ancestors, depth + 1));
  }
  if (limits.stack) {
    const stack = read(error, 'stack');
    if (typeof stack === 'string') out.stack = stack;
  }
  const errors = read(error, 'errors');
  if (Array.isArray(errors)) out.errors = toJsonSafe(errors, limits, ancestors, depth + 1) as unknown[];
  const cause = read(error, 'cause');
  if (cause !== undefined) out.cause = toJsonSafe(cause, limits, ancestors, depth + 1);
  return out;
}

function isEmptyObject(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  try {
    return Object.keys(value).length === 0;
  } catch {
    return false;
  }
}

/**
 * Converts any value into one `JSON.stringify` accepts and renders faithfully:
 * cycles become `'[Circular]'`, deep subtrees `'[Truncated]'`, throwing getters
 * `'[Unserializable]'`; bigint, symbol, function, Date, Map, Set and binary data
 * get readable stand-ins. Never throws.
 */
export function toJsonSafe(
  value: unknown,
  limits: SafeLimits,
  ancestors: Set<unknown>,
  depth: number,
): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (value === 0) return 0; // -0 would not survive a JSON round trip
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return `${value}n`;
    case 'symbol':
      return value.toString();
    case 'function':
      return `[Function${value.name ? `: ${value.name}` : ''}]`;
    case 'undefined':
      return null;
  }
  if (value === null) return null;
  if (ancestors.has(value)) return CIRCULAR;
  if (depth >= limits.maxDepth) return TRUNCATED;
  try {
    return objectToJsonSafe(value as object, limits, ancestors, depth);
  } catch {
    ancestors.delete(value);
    return UNSERIALIZABLE;
  }
}

function objectToJsonSafe(
  value: object,
  limits: SafeLimits,
  ancestors: Set<unknown>,
  depth: number,
): unknown {
  const proto = Object.getPrototypeOf(value);
  if (
    (proto === Object.prototype || proto === null) &&
    typeof (value as { toJSON?: unknown }).toJSON !== 'function'
  ) {
    // Plain objects, the common case in details: none of the special cases below apply.
    ancestors.add(value);
    const out = plain(value, limits, ancestors, depth);
    ancestors.delete(value);
    return out;
  }
  if (isErrorLike(value)) return errorToJsonSafe(value, limits, ancestors, depth);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (ArrayBuffer.isView(value)) return `[${value.constructor.name}(${value.byteLength} bytes)]`;
  if (value instanceof ArrayBuffer) return `[ArrayBuffer(${value.byteLength} bytes)]`;
  if (value instanceof RegExp) return value.toString();
  ancestors.add(value);
  let out: unknown;
  if (Array.isArray(value)) {
    const list: unknown[] = [];
    for (let i = 0; i < value.length; i++)
      list.push(toJsonSafe(read(value, i), limits, ancestors, depth + 1));
    out = list;
  } else if (value instanceof Map) {
    const entries: Record<string, unknown> = {};
    for (const [key, item] of value) {
      put(entries, text(key, String(key)), toJsonSafe(item, limits, ancestors, depth + 1));
    }
    out = entries;
  } else if (value instanceof Set) {
    out = [...value].map((item) => toJsonSafe(item, limits, ancestors, depth + 1));
  } else if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    const json = (value as { toJSON: () => unknown }).toJSON();
    out =
      json === value ? plain(value, limits, ancestors, depth) : toJsonSafe(json, limits, ancestors, depth);
  } else {
    out = plain(value, limits, ancestors, depth);
  }
  ancestors.delete(value);
  return out;
}

function plain(
  value: object,
  limits: SafeLimits,
  ancestors: Set<unknown>,
  depth: number,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = read(value, key);
    if (item === undefined) continue;
    put(out, key, toJsonSafe(item, limits, ancestors, depth + 1));
  }
  return out;
}
