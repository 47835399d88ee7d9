import type { LoggerLike } from '@ballast/core';
import { normalizeError, type ProblemDetails, toProblemDetails } from '@ballast/errors';

/** What an error handler sends: status, headers and an RFC 9457 body. */
export interface ProblemResponse {
  status: number;
  headers: Record<string, string>;
  body: ProblemDetails;
}

/**
 * Turns any thrown value into an `application/problem+json` response whose `instance` is
 * the request id, with `Retry-After` for rate-limited and unavailable errors. A 5xx body
 * carries the safe user message only, never the internal message or a stack; the full
 * error goes to the log instead.
 */
export function problemResponse(
  error: unknown,
  requestId: string | undefined,
  logger: LoggerLike,
): ProblemResponse {
  const err = normalizeError(error);
  const body = toProblemDetails(err, requestId === undefined ? {} : { instance: requestId });
  if (body.status >= 500) logger.error({ err }, 'unhandled error');
  const headers: Record<string, string> = { 'content-type': 'application/problem+json' };
  if (body.retryAfterMs !== undefined) headers['retry-after'] = String(Math.ceil(body.retryAfterMs / 1000));
  return { status: body.status, headers, body };
}
