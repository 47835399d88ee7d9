import type { LoggerLike } from '@ballast/core';
import { normalizeError, type ProblemDetails, toProblemDetails } from '@ballast/errors';

/** What an error handler sends: status, headers and an RFC 9457 body. */
export interface ProblemResponse {
  /** The HTTP status of the error (`BallastError.status`; 500 for anything unknown). */
  status: number;
  /** `content-type: application/problem+json`, and `retry-after` (seconds) when the error has `retryAfterMs`. */
  headers: Record<string, string>;
  /** The problem document, `instance` being the request id. */
  body: ProblemDetails;
}

/** Options for {@link problemResponse}. */
export interface ProblemResponseOptions {
  /** Written as the problem's `instance`, so a user can quote it to support. @defaultValue none */
  requestId?: string | undefined;
  /** Where a 5xx is logged (`unhandled error`, with the error under `err`). @defaultValue not logged */
  logger?: LoggerLike | undefined;
}

/**
 * Turns any thrown value into an `application/problem+json` response (RFC 9457) through
 * `normalizeError` and `toProblemDetails`: the request id as `instance`, `Retry-After` for
 * rate-limited and unavailable errors. A 5xx body carries the safe user message only, never
 * the internal message or a stack; the full error goes to `logger` at error instead.
 * Never throws.
 *
 * @example
 * const problem = problemResponse(error, { requestId, logger });
 * res.writeHead(problem.status, problem.headers).end(JSON.stringify(problem.body));
 */
export function problemResponse(error: unknown, options: ProblemResponseOptions = {}): ProblemResponse {
  const err = normalizeError(error);
  const { requestId, logger } = options;
  const body = toProblemDetails(err, requestId === undefined ? {} : { instance: requestId });
  if (body.status >= 500) logger?.error({ err }, 'unhandled error');
  const headers: Record<string, string> = { 'content-type': 'application/problem+json' };
  if (body.retryAfterMs !== undefined) headers['retry-after'] = String(Math.ceil(body.retryAfterMs / 1000));
  return { status: body.status, headers, body };
}
