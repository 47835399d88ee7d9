import type { Clock } from '@ballast/core';
import { type BallastError, isValidErrorCode } from './ballast-error.js';
import { builtinFor } from './builtins.js';
import { categoryOfStatus } from './internal/classify.js';
import { toJsonSafe } from './internal/json-safe.js';
import { resolveRedactor } from './internal/redaction.js';

/** Response headers as `fetch` (`Headers`) or `node:http` (`IncomingHttpHeaders`) give them. */
export type HeadersLike =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | number | undefined>>;

/** Options for {@link errorFromHttpResponse}. */
export interface HttpResponseErrorOptions {
  /**
   * The source of "now" for an HTTP-date `Retry-After`.
   * @defaultValue `systemClock` (`Date.now()`)
   */
  clock?: Pick<Clock, 'now'>;
  /** The request method, for the message (`GET`). */
  method?: string;
  /** The request URL, for the message, which shows it without user info, query or fragment. */
  url?: string | URL;
}

/** An RFC 9457 problem document, as far as this package reads one. */
interface Problem {
  type?: string;
  title?: string;
  detail?: string;
  instance?: string;
  code?: string;
  /** Its `details` member and its extension members, bounded but not yet redacted. */
  extensions: Record<string, unknown>;
}

const MAX_BODY = 512;
/** Bytes of a binary body decoded: a problem document is small, an HTML error page need not be. */
const MAX_BODY_BYTES = 64 * 1024;
/** Extension members kept from a problem document, and the JSON size of each. */
const MAX_EXTENSIONS = 20;
const MAX_EXTENSION_JSON = 1024;
const EXTENSION_LIMITS = Object.freeze({ maxDepth: 4, stack: false });
/** Members RFC 9457 defines, and the Ballast ones read on their own (`code`, `details`). */
const READ_MEMBERS = new Set(['type', 'title', 'status', 'detail', 'instance', 'code', 'details']);
const TRUNCATED = '[Truncated]';

function header(headers: HeadersLike | undefined, name: string): string | undefined {
  if (headers === undefined || headers === null) return undefined;
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const record = headers as Record<string, string | readonly string[] | number | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  if (Array.isArray(value)) return value[0];
  return value === undefined ? undefined : String(value);
}

/**
 * Reads a `Retry-After` value, delay-seconds or an HTTP date, as milliseconds from
 * `now` (never negative); `undefined` when absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined | null, now: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** A body as text: strings as they are, bytes (`Uint8Array`, `Buffer`, `ArrayBuffer`) decoded as UTF-8. */
function bodyText(body: unknown): string | undefined {
  if (typeof body === 'string') return body;
  let bytes: Uint8Array | undefined;
  if (body instanceof ArrayBuffer) bytes = new Uint8Array(body, 0, Math.min(body.byteLength, MAX_BODY_BYTES));
  else if (ArrayBuffer.isView(body)) {
    bytes = new Uint8Array(body.buffer, body.byteOffset, Math.min(body.byteLength, MAX_BODY_BYTES));
  }
  return bytes === undefined ? undefined : new TextDecoder().decode(bytes);
}

/** Copies up to `MAX_EXTENSIONS` members of `source` not in `skip`, each JSON-safe and bounded in size. */
function boundedMembers(
  source: Record<string, unknown>,
  skip: ReadonlySet<string>,
  into: Record<string, unknown>,
) {
  for (const key of Object.keys(source)) {
    if (Object.keys(into).length >= MAX_EXTENSIONS) return;
    if (skip.has(key) || key === '__proto__') continue;
    const safe = toJsonSafe(source[key], EXTENSION_LIMITS, 1);
    const json = JSON.stringify(safe) ?? '';
    into[key] = json.length > MAX_EXTENSION_JSON ? TRUNCATED : safe;
  }
}

/** The problem document in a body (`text` is the body as text, when it is text or bytes). */
function readProblem(contentType: string, body: unknown, text: string | undefined): Problem | undefined {
  let parsed = body;
  if (text !== undefined && /[/+]json\b/i.test(contentType)) {
    try {
      parsed = JSON.parse(text);
    } catch {
      return undefined;
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  // Bytes that were not JSON are a plain body, not a problem document.
  if (parsed instanceof ArrayBuffer || ArrayBuffer.isView(parsed)) return undefined;
  const isProblem = /application\/problem\+json/i.test(contentType);
  const source = parsed as Record<string, unknown>;
  if (!isProblem && str(source.title) === undefined && str(source.detail) === undefined) return undefined;
  const details = source.details;
  const problem: Problem = { extensions: {} };
  for (const key of ['type', 'title', 'detail', 'instance', 'code'] as const) {
    const value = str(source[key]);
    if (value !== undefined) problem[key] = value;
  }
  if (typeof details === 'object' && details !== null && !Array.isArray(details)) {
    boundedMembers(details as Record<string, unknown>, new Set(), problem.extensions);
  }
  boundedMembers(source, READ_MEMBERS, problem.extensions);
  return problem;
}

/**
 * The problem's details and extension members, redacted with the default keys and
 * patterns: they travel on into logs, reports and 4xx problem documents. Left out
 * when redaction fails.
 */
function redactedExtensions(extensions: Record<string, unknown>): Record<string, unknown> {
  if (Object.keys(extensions).length === 0) return extensions;
  try {
    return resolveRedactor(true, true)!(extensions) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/**
 * The URL as a message may show it: without user info, query or fragment, which is
 * where credentials and tokens travel (`https://u:pw@host/p?access_token=…`).
 */
function shownUrl(url: string): string {
  // User info first: a password may hold `?`, `#`, `/` or `@` (`https://u:p?w#d@host/`). It
  // ends at the first `@` after which a host runs to the path, query, fragment or end; a
  // user without a password holds no `/` (`https://host/users/@me` has no user info).
  const withoutUser = url.trim().replace(USER_INFO, '$1//');
  return (withoutUser.split(/[?#]/, 1)[0] ?? '').trim();
}

const USER_INFO =
  /^([a-z][a-z0-9+.-]*:)?[\\/]{2}(?:[^/\\:@]*:[\s\S]*?|[^/\\@]*)@(?=[^@/?#\\\s]*(?:[/?#\\]|$))/i;

function snippet(body: string | undefined): string | undefined {
  if (body === undefined || body.length === 0) return undefined;
  return body.length > MAX_BODY ? `${body.slice(0, MAX_BODY)}…` : body;
}

/**
 * Builds the Ballast error for a failed HTTP response from a dependency: the status
 * picks the class (404 → `NotFoundError`, 429 → `RateLimitedError`, 503 →
 * `UnavailableError`, 504 → `TimeoutError`…), `Retry-After` (seconds or an HTTP date)
 * becomes `retryAfterMs`, and an `application/problem+json` body (RFC 9457) gives
 * the message (`detail`, else `title`), `code` (kept on the instance of the status's
 * class) and `details`: its `details` member and extension members (at most 20, each
 * at most 1 KiB of JSON, redacted with the default keys and patterns), `problemType`,
 * `problemTitle` and `instance`. A plain body is kept, truncated, in `details.body`.
 * The body may be a string, a parsed object or bytes (`Uint8Array`, `Buffer`,
 * `ArrayBuffer`, decoded as UTF-8). Never throws.
 *
 * @example
 * const res = await fetch(url);
 * if (!res.ok) throw errorFromHttpResponse(res.status, res.headers, await res.text(), { method: 'GET', url });
 */
export function errorFromHttpResponse(
  status: number,
  headers?: HeadersLike,
  body?: unknown,
  options: HttpResponseErrorOptions = {},
): BallastError {
  const valid = Number.isInteger(status) && status >= 400 && status <= 599;
  const category = categoryOfStatus(valid ? status : 500);
  let retryAfterMs: number | undefined;
  let problem: Problem | undefined;
  let text: string | undefined;
  try {
    const now = options.clock ? options.clock.now() : Date.now();
    retryAfterMs = parseRetryAfter(header(headers, 'retry-after'), now);
    text = bodyText(body);
    problem = readProblem(header(headers, 'content-type') ?? '', body, text);
  } catch {
    // Unreadable headers or body: the status alone still says what happened.
  }
  const url = options.url === undefined || options.url === null ? undefined : shownUrl(String(options.url));
  const request = [options.method?.toUpperCase(), url].filter(Boolean).join(' ');
  const reason = problem?.detail ?? problem?.title ?? (problem ? undefined : snippet(text));
  const prefix = request ? `${request} failed: ` : '';
  const message = `${prefix}HTTP ${status}${reason === undefined ? '' : ` ${reason}`}`;
  const details: Record<string, unknown> = {
    ...(problem === undefined ? {} : redactedExtensions(problem.extensions)),
    httpStatus: status,
  };
  if (problem?.type !== undefined && problem.type !== 'about:blank') details.problemType = problem.type;
  if (problem?.title !== undefined) details.problemTitle = problem.title;
  if (problem?.instance !== undefined) details.instance = problem.instance;
  if (problem === undefined && text !== undefined && text.length > 0) details.body = snippet(text);
  const shared = {
    details,
    ...(valid ? { status } : {}),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  };
  const Builtin = builtinFor(category);
  const error = new Builtin(message, shared);
  // The dependency's own code says which error it was; the class still says what kind.
  if (problem?.code !== undefined && isValidErrorCode(problem.code)) {
    (error as { code: string }).code = problem.code;
  }
  return error;
}
