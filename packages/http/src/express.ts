import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LoggerLike } from '@ballast/core';
import { NotFoundError } from '@ballast/errors';
import {
  type Health,
  type HealthHandlerOptions,
  type HealthRequestHandler,
  healthHandler,
} from '@ballast/health';
import { type HttpLoggerOptions, type HttpMiddleware, httpLogger } from '@ballast/logger';
import { checkObject, checkOptional } from './internal/check.js';
import { echoedRequestId, isHealthRequest, originalUrl } from './internal/health-reply.js';
import { problemResponse } from './problem-response.js';

/** Express (and Connect) middleware. */
export type Middleware = HttpMiddleware;

/** An Express error handler: four parameters, so Express calls it with the error. */
export type ErrorMiddleware = (
  error: unknown,
  req: IncomingMessage,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/**
 * Request logging: `httpLogger` with the request id (`x-request-id`, `traceparent` or
 * generated) echoed and put on every line the handler logs, one line per response, and
 * `/health…` not logged unless you pass your own `ignore`.
 *
 * @example
 * app.use(requestLogger({ logger }));
 */
export function requestLogger(options: HttpLoggerOptions): Middleware {
  checkObject('requestLogger', options, ['logger', 'header', 'field', 'genReqId', 'ignore']);
  return httpLogger({ ignore: (req) => isHealthRequest(req, '/health'), ...options });
}

/**
 * The health endpoints (`/health`, `/health/live`, `/health/ready`, `/health/startup`,
 * `/health/checks/:name`) as middleware; other paths go on to `next()`.
 *
 * @example
 * app.use(healthRouter(health));
 */
export function healthRouter(health: Health, options?: HealthHandlerOptions): HealthRequestHandler {
  return healthHandler(health, options);
}

/** Sends every request that reaches it to the error handler as a `NotFoundError` (404). Mount it after your routes. */
export function notFound(): Middleware {
  return (req, _res, next) => {
    const path = originalUrl(req).split('?')[0];
    next?.(new NotFoundError(`No route for ${req.method} ${path}`));
  };
}

/** Options for {@link errorHandler}. */
export interface ErrorHandlerOptions {
  /** Where a 5xx is logged, with the error under `err`. */
  logger: LoggerLike;
}

/**
 * The last middleware: any error becomes an RFC 9457 `application/problem+json` response
 * with the request id (the `x-request-id` that `requestLogger` set) as `instance`,
 * `Retry-After` for 429/503, and no internal message or stack on a 5xx (those go to the
 * log). An error after the response started is passed on to Express's default handler.
 *
 * @example
 * app.use(errorHandler({ logger }));
 */
export function errorHandler(options: ErrorHandlerOptions): ErrorMiddleware {
  checkObject('errorHandler', options, ['logger']);
  const { logger } = options;
  checkOptional('errorHandler.logger', logger, 'object', 'a logger (createLogger() or any LoggerLike)', true);
  return (error, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const problem = problemResponse(error, { requestId: echoedRequestId(res), logger });
    res.writeHead(problem.status, problem.headers).end(JSON.stringify(problem.body));
  };
}
