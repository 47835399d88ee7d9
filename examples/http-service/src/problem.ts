import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LoggerLike } from '@ballast/core';
import { type ErrorReporter, toProblemDetails } from '@ballast/errors';
import { safePath } from '@ballast/logger';

/**
 * The error handler: turns any error into an RFC 9457 `application/problem+json`
 * response whose `instance` is the request id. A 5xx shows only the safe user message
 * and code (never a stack, cause or internal message) and is logged in full, headers
 * included: the logger's default redaction removes `authorization`, `x-api-key` and
 * cookies before the line is written. A 5xx also goes to the error reporter, which folds
 * its repeats and limits storms before anyone is alerted.
 */
export function sendProblem(
  req: IncomingMessage,
  res: ServerResponse,
  error: unknown,
  requestId: string,
  logger: LoggerLike,
  reporter?: ErrorReporter,
  route?: string,
): void {
  const problem = toProblemDetails(error, { instance: requestId });
  if (problem.status >= 500) {
    logger.error(
      { err: error, request: { method: req.method, path: safePath(req.url ?? '/'), headers: req.headers } },
      'request failed',
    );
    reporter?.report(error, { context: { request_id: requestId, method: req.method, route } });
  }
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify(problem);
  res.statusCode = problem.status;
  res.setHeader('content-type', 'application/problem+json');
  res.setHeader('cache-control', 'no-store');
  res.setHeader('content-length', Buffer.byteLength(body));
  if (problem.retryAfterMs !== undefined) {
    res.setHeader('retry-after', String(Math.max(1, Math.ceil(problem.retryAfterMs / 1000))));
  }
  res.end(body);
}
