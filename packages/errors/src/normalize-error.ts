import { isErrorLike } from '@ballast/core';
import { BallastError, isBallastError, isValidErrorCode } from './ballast-error.js';
import { type BuiltinErrorOptions, builtinFor } from './builtins.js';
import { type ErrorCategory, isErrorCategory } from './categories.js';
import { categoryOfStatus, classifyRedis, SYSTEM_CODES } from './internal/classify.js';
import { toJsonSafe } from './internal/json-safe.js';
import { resolveRedactor } from './internal/redaction.js';
import { isErrorStatus } from './internal/status.js';

/** Errors that `normalizeError` built around a foreign one (their stack is not the origin). */
const wrappers = new WeakSet<object>();

/** Whether `error` is a wrapper `normalizeError` built, whose cause holds the real origin. */
export function isNormalizedWrapper(error: object): boolean {
  return wrappers.has(error);
}

const MAX_MEMBERS = 20;

function make(category: ErrorCategory, message: string, cause: unknown, options: BuiltinErrorOptions = {}) {
  const Builtin = builtinFor(category);
  const error = new Builtin(message || undefined, { ...options, cause });
  wrappers.add(error);
  return error;
}

function get(source: object, key: string): unknown {
  try {
    return (source as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function httpStatus(value: unknown): number | undefined {
  return isErrorStatus(value) ? value : undefined;
}

/**
 * The status of a rebuilt error: its own when it is an HTTP error status, the category's
 * when it has none, and 500 when it has one we cannot read (`'500'`, `200`). Guessing a
 * client status there could show a server's internal message to clients.
 */
function rebuiltStatus(status: unknown): { status?: number } {
  if (status === undefined) return {};
  return { status: isErrorStatus(status) ? status : 500 };
}

/**
 * The thrown value as a short JSON preview for the message: redacted with the default keys
 * and patterns first, then cut to 200 characters, so the cut cannot split a secret into
 * a part no pattern recognises. A value that cannot be redacted is not shown.
 */
function preview(value: unknown): string {
  let json: string;
  try {
    const safe = toJsonSafe(value, { maxDepth: 3, stack: false }, 0);
    json = JSON.stringify(resolveRedactor(true, true)!(safe)) ?? '';
  } catch {
    return '[unreadable]';
  }
  return json.length > 200 ? `${json.slice(0, 200)}…` : json;
}

/** `' at 127.0.0.1:6379'` or `' "db.internal"'`: where a system error happened, for suggestions. */
function where(error: object): string {
  const address = get(error, 'address');
  const port = get(error, 'port');
  const host = get(error, 'hostname');
  if (typeof address === 'string') return ` at ${address}${typeof port === 'number' ? `:${port}` : ''}`;
  if (typeof host === 'string') return ` "${host}"`;
  return '';
}

function systemDetails(error: object, code: string): Record<string, unknown> {
  const details: Record<string, unknown> = { code };
  for (const key of ['syscall', 'address', 'port', 'hostname']) {
    const value = get(error, key);
    if (typeof value === 'string' || typeof value === 'number') details[key] = value;
  }
  return details;
}

function fromAggregate(error: Error, members: unknown[], depth: number): BallastError {
  const normalized = members.slice(0, MAX_MEMBERS).map((member) => normalize(member, depth + 1));
  const first = normalized[0];
  const head = error.message || 'Several errors occurred';
  if (first === undefined) return make('internal', head, error);
  const summary = `${head}: ${normalized.map((member) => member.message).join('; ')}`;
  if (normalized.some((member) => member.category !== first.category))
    return make('internal', summary, error);
  const suggestions = [...new Set(normalized.flatMap((member) => member.suggestions))];
  return make(first.category, summary, error, { suggestions });
}

function fromError(error: Error, depth: number): BallastError {
  const name = str(get(error, 'name'));
  const message = str(get(error, 'message'));
  const code = get(error, 'code');
  if (name === 'AbortError' || code === 'ABORT_ERR') return make('cancelled', message, error);
  if (name === 'TimeoutError') return make('timeout', message, error);
  const known = typeof code === 'string' ? SYSTEM_CODES[code] : undefined;
  if (known !== undefined && typeof code === 'string') {
    return make(known.category, message, error, {
      details: systemDetails(error, code),
      suggestions: known.suggestions(where(error)),
    });
  }
  const cause = get(error, 'cause');
  if (message === 'fetch failed' && depth < 4) {
    const inner = cause === undefined ? undefined : normalize(cause, depth + 1);
    const transport = inner && ['network', 'timeout', 'cancelled'].includes(inner.category);
    return make(
      transport ? inner.category : 'network',
      inner ? `fetch failed: ${inner.message}` : message,
      error,
      transport ? { details: inner.details, suggestions: inner.suggestions } : {},
    );
  }
  const redis = classifyRedis(name, message);
  if (redis !== undefined)
    return make(redis.category, message, error, { suggestions: redis.suggestions('') });
  const members = get(error, 'errors');
  if (Array.isArray(members) && depth < 4) return fromAggregate(error, members, depth);
  const status =
    httpStatus(get(error, 'status')) ??
    httpStatus(get(error, 'statusCode')) ??
    httpStatus(responseStatus(get(error, 'response')));
  if (status !== undefined) return make(categoryOfStatus(status), message, error, { status });
  return make('internal', message, error);
}

function responseStatus(response: unknown): unknown {
  if (typeof response !== 'object' || response === null) return undefined;
  return get(response, 'status') ?? get(response, 'statusCode');
}

/** Rebuilds a Ballast error that crossed a boundary as JSON (`serializeError` output). */
function fromSerialized(value: object, code: string, category: ErrorCategory): BallastError {
  const status = get(value, 'status');
  const retryable = get(value, 'retryable');
  const userMessage = get(value, 'userMessage');
  const suggestions = get(value, 'suggestions');
  const details = get(value, 'details');
  const retryAfterMs = get(value, 'retryAfterMs');
  const docsUrl = get(value, 'docsUrl');
  const error = new BallastError(str(get(value, 'message')) || code, {
    code,
    category,
    ...rebuiltStatus(status),
    ...(typeof retryable === 'boolean' ? { retryable } : {}),
    ...(typeof userMessage === 'string' ? { userMessage } : {}),
    ...(Array.isArray(suggestions) ? { suggestions: suggestions.filter((s) => typeof s === 'string') } : {}),
    ...(typeof details === 'object' && details !== null && !Array.isArray(details)
      ? { details: details as Record<string, unknown> }
      : {}),
    ...(typeof retryAfterMs === 'number' && retryAfterMs >= 0 ? { retryAfterMs } : {}),
    ...(typeof docsUrl === 'string' ? { docsUrl } : {}),
    cause: value,
  });
  wrappers.add(error);
  return error;
}

function fromObject(value: object, depth: number): BallastError {
  const code = get(value, 'code');
  const category = get(value, 'category');
  if (isValidErrorCode(code) && isErrorCategory(category)) return fromSerialized(value, code, category);
  const message = str(get(value, 'message'));
  const status = httpStatus(get(value, 'status')) ?? httpStatus(get(value, 'statusCode'));
  if (status !== undefined) return make(categoryOfStatus(status), message, value, { status });
  const name = get(value, 'name');
  if (message && typeof name === 'string' && depth < 4) {
    // An error-shaped object (e.g. from a worker or JSON): classify it like a real error.
    return fromError(value as Error, depth);
  }
  return make('internal', message || `A non-error object was thrown: ${preview(value)}`, value);
}

/** Whether a branded error has every field the rest of this package reads. */
function isWellFormed(error: BallastError): boolean {
  return (
    typeof error.message === 'string' &&
    isValidErrorCode(error.code) &&
    isErrorCategory(error.category) &&
    isErrorStatus(error.status) &&
    typeof error.retryable === 'boolean' &&
    typeof error.userMessage === 'string' &&
    Array.isArray(error.suggestions) &&
    typeof error.details === 'object' &&
    error.details !== null
  );
}

function normalize(value: unknown, depth: number): BallastError {
  if (isBallastError(value)) {
    if (isWellFormed(value)) return value;
    // Branded but malformed (a very old or foreign copy): rebuild it from its fields.
    return fromObject(value, depth);
  }
  if (isErrorLike(value)) return fromError(value, depth);
  if (typeof value === 'object' && value !== null) return fromObject(value, depth);
  if (typeof value === 'string') return make('internal', value || 'An empty string was thrown', value);
  const shown = typeof value === 'symbol' || typeof value === 'bigint' ? value.toString() : String(value);
  return make('internal', `A non-error value was thrown: ${shown}`, value);
}

/**
 * Turns anything that was thrown into the right Ballast error, with the original as
 * `cause`: Ballast errors (from any installed copy) come back as they are; DOMException
 * `AbortError` → `CancelledError`, `TimeoutError` → `TimeoutError`; Node system errors
 * (`ECONNREFUSED`, `ECONNRESET`, `ENOTFOUND`, `EAI_AGAIN`, `EPIPE` → `NetworkError`,
 * `ETIMEDOUT` → `TimeoutError`, with address and port in `details`); `fetch failed`
 * by its cause; ioredis connection and server errors; AggregateError by its members;
 * errors with an HTTP `status`/`statusCode` by status; serialized Ballast errors
 * rebuilt; anything else (strings, plain objects, bugs) → `InternalError`. Never throws.
 */
export function normalizeError(value: unknown): BallastError {
  try {
    return normalize(value, 0);
  } catch {
    return make('internal', 'An unreadable value was thrown', value);
  }
}
