import type { Clock } from '@ballast/core';
import { type BallastError, isValidErrorCode } from './ballast-error.js';
import { builtinFor } from './builtins.js';
import { categoryOfStatus } from './internal/classify.js';

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
  details?: Record<string, unknown>;
}

const MAX_BODY = 512;

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

function readProblem(contentType: string, body: unknown): Problem | undefined {
  let parsed = body;
  if (typeof body === 'string' && /[/+]json\b/i.test(contentType)) {
    try {
      parsed = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const isProblem = /application\/problem\+json/i.test(contentType);
  const source = parsed as Record<string, unknown>;
  if (!isProblem && str(source.title) === undefined && str(source.detail) === undefined) return undefined;
  const details = source.details;
  const problem: Problem = {};
  for (const key of ['type', 'title', 'detail', 'instance', 'code'] as const) {
    const value = str(source[key]);
    if (value !== undefined) problem[key] = value;
  }
  if (typeof details === 'object' && details !== null && !Array.isArray(details)) {
    problem.details = details as Record<string, unknown>;
  }
  return problem;
}

/**
 * The URL as a message may show it: without user info, query or fragment, which is
 * where credentials and tokens travel (`https://u:pw@host/p?access_token=…`).
 */
function shownUrl(url: string): string {
  const bare = (url.split(/[?#]/, 1)[0] ?? '').trim();
  return bare.replace(/^([a-z][a-z0-9+.-]*:)?[\\/]{2}[^/\\]*@/i, '$1//');
}

function snippet(body: unknown): string | undefined {
  if (typeof body !== 'string' || body.length === 0) return undefined;
  return body.length > MAX_BODY ? `${body.slice(0, MAX_BODY)}…` : body;
}

/**
 * Builds the Ballast error for a failed HTTP response from a dependency: the status
 * picks the class (404 → `NotFoundError`, 429 → `RateLimitedError`, 503 →
 * `UnavailableError`, 504 → `TimeoutError`…), `Retry-After` (seconds or an HTTP date)
 * becomes `retryAfterMs`, and an `application/problem+json` body (RFC 9457) gives
 * the message, `code` (kept on the instance of the status's class) and `details`. A plain body is kept, truncated, in
 * `details.body`. Never throws.
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
  try {
    const now = options.clock ? options.clock.now() : Date.now();
    retryAfterMs = parseRetryAfter(header(headers, 'retry-after'), now);
    problem = readProblem(header(headers, 'content-type') ?? '', body);
  } catch {
    // Unreadable headers or body: the status alone still says what happened.
  }
  const url = options.url === undefined || options.url === null ? undefined : shownUrl(String(options.url));
  const request = [options.method?.toUpperCase(), url].filter(Boolean).join(' ');
  const reason = problem?.detail ?? problem?.title ?? (problem ? undefined : snippet(body));
  const prefix = request ? `${request} failed: ` : '';
  const message = `${prefix}HTTP ${status}${reason === undefined ? '' : ` ${reason}`}`;
  const details: Record<string, unknown> = { ...(problem?.details ?? {}), httpStatus: status };
  if (problem?.type !== undefined && problem.type !== 'about:blank') details.problemType = problem.type;
  if (problem?.instance !== undefined) details.instance = problem.instance;
  if (problem === undefined && typeof body === 'string' && body.length > 0) details.body = snippet(body);
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
