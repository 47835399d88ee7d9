import type { Redactor } from '@ballast/redact';
import { CATEGORIES } from './categories.js';
import { toJsonSafe } from './internal/json-safe.js';
import { type Redaction, resolveRedactor } from './internal/redaction.js';
import { isErrorStatus } from './internal/status.js';
import { normalizeError } from './normalize-error.js';
import { serializeError } from './serialize-error.js';

/** An RFC 9457 problem document with Ballast's extension members. */
export interface ProblemDetails {
  /** A URI for the error type: the error's `docsUrl`, `typeBaseUrl` + code, or `'about:blank'`. */
  type: string;
  /** The HTTP status phrase (`'Not Found'`). */
  title: string;
  /** The HTTP status code. */
  status: number;
  /** What happened: the message for 4xx, the safe user message for 5xx. */
  detail: string;
  /** This occurrence, e.g. the request id or path. */
  instance?: string;
  /** The stable Ballast error code. */
  code: string;
  /** JSON-safe, redacted details (4xx, or 5xx with `exposeInternals`). */
  details?: Record<string, unknown>;
  /** What the client can do (4xx, or 5xx with `exposeInternals`). */
  suggestions?: readonly string[];
  /** When to retry, in milliseconds (also send it as a `Retry-After` header). */
  retryAfterMs?: number;
  /** Only with `exposeInternals`: the internal message, stack and cause. */
  internal?: Record<string, unknown>;
  /** Further extension members, such as the ones `toProblemDetails` options add. */
  [extension: string]: unknown;
}

/** Options for {@link toProblemDetails}. */
export interface ProblemDetailsOptions {
  /** The `instance` member: a request id or the request path (redacted with `redact`). */
  instance?: string;
  /**
   * Base URI for `type` when the error has no `docsUrl`: `type` becomes
   * `typeBaseUrl` + the code in kebab-case (`https://errors.example.com/user-not-found`).
   * @defaultValue `'about:blank'` as `type`
   */
  typeBaseUrl?: string;
  /**
   * Put the internal message, stack and cause of a 5xx error in the document (for
   * development only; never in production, where they leak implementation details).
   * @defaultValue `false`
   */
  exposeInternals?: boolean;
  /**
   * Redacts what the client sees of a 4xx (`detail`, `details`, `suggestions`) and exposed
   * internals through `@ballast/redact`: a redactor, `RedactOptions`, `true` for the
   * default keys and patterns, or `false`. When redaction fails, `detail` falls back to
   * the user message and the rest is left out (fail closed).
   * @defaultValue `true`
   */
  redact?: Redaction;
}

const PHRASES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  411: 'Length Required',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  499: 'Client Closed Request',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

const SAFE_LIMITS = Object.freeze({ maxDepth: 8, stack: false });

function safeDetails(details: Record<string, unknown>, redact: Redactor | undefined) {
  const safe = toJsonSafe(details, SAFE_LIMITS, 0) as Record<string, unknown>;
  return redact === undefined ? safe : (redact(safe) as Record<string, unknown>);
}

/**
 * The `instance` member, redacted like the rest: a recipe may pass `req.url`, whose query
 * can carry a token (`/cb?code=…&access_token=…`). Left out when it cannot be redacted.
 */
function instanceMember(options: ProblemDetailsOptions): { instance?: string } {
  if (options.instance === undefined) return {};
  try {
    const redactor = resolveRedactor(options.redact, true);
    return { instance: redactor === undefined ? options.instance : String(redactor(options.instance)) };
  } catch {
    return {};
  }
}

/**
 * Turns any error into an RFC 9457 problem document for an HTTP response
 * (`Content-Type: application/problem+json`), after `normalizeError`. For 4xx the
 * message, details and suggestions are the client's to see; for 5xx the document
 * holds only the safe `userMessage` and code: never the internal message, stack,
 * cause or details, unless `exposeInternals` is set.
 *
 * @example
 * const problem = toProblemDetails(err, { instance: requestId });
 * res.writeHead(problem.status, { 'content-type': 'application/problem+json' });
 * res.end(JSON.stringify(problem));
 */
export function toProblemDetails(error: unknown, options: ProblemDetailsOptions = {}): ProblemDetails {
  const err = normalizeError(error);
  // normalizeError only returns errors with a valid status; this guards a status changed since.
  const status = isErrorStatus(err.status) ? err.status : 500;
  const internal = status >= 500;
  const expose = !internal || options.exposeInternals === true;
  const type =
    err.docsUrl ??
    (options.typeBaseUrl
      ? `${options.typeBaseUrl}${err.code.toLowerCase().replace(/_/g, '-')}`
      : 'about:blank');
  const problem: ProblemDetails = {
    type,
    title: PHRASES[status] ?? CATEGORIES[err.category]?.title ?? 'Error',
    status,
    detail: internal ? err.userMessage : err.message,
    ...instanceMember(options),
    code: err.code,
  };
  const exposeInternals = internal && options.exposeInternals === true;
  const hasDetails = expose && Object.keys(err.details).length > 0;
  let redactor: Redactor | undefined;
  let redactable = true;
  if (expose) {
    try {
      redactor = resolveRedactor(options.redact, true);
      const scrub = redactor;
      const text = (value: string): string => (scrub === undefined ? value : String(scrub(value)));
      const detail = internal ? problem.detail : text(problem.detail);
      const details = hasDetails ? safeDetails(err.details, redactor) : undefined;
      const suggestions = err.suggestions.map(text);
      problem.detail = detail;
      if (details !== undefined) problem.details = details;
      if (suggestions.length > 0) problem.suggestions = suggestions;
    } catch {
      // Fail closed: what cannot be redacted is not sent.
      redactable = false;
      problem.detail = err.userMessage;
    }
  }
  if (err.retryAfterMs !== undefined) problem.retryAfterMs = err.retryAfterMs;
  if (exposeInternals && redactable) {
    const serialized = serializeError(err, { redact: redactor ?? false });
    problem.internal = {
      message: serialized.message,
      ...(serialized.stack === undefined ? {} : { stack: serialized.stack }),
      ...(serialized.cause === undefined ? {} : { cause: serialized.cause }),
    };
  }
  return problem;
}
