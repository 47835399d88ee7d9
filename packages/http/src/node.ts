import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LoggerLike } from '@ballast/core';
import { type Health, type HealthHandlerOptions, healthHandler } from '@ballast/health';
import { httpLogger } from '@ballast/logger';
import { checkObject, checkOptional } from './internal/check.js';
import { echoedRequestId, isHealthRequest } from './internal/health-reply.js';
import { problemResponse } from './problem-response.js';

/** Options for {@link requestHandler}. */
export interface RequestHandlerOptions {
  /** Where request lines and 5xx errors go. */
  logger: LoggerLike;
  /** Served at `/health`, `/health/live`, `/health/ready`, `/health/startup`, `/health/checks/:name`. @defaultValue none */
  health?: Health;
  /** Options of `healthHandler` (`basePath`, `showDetails`). @defaultValue `{}` */
  healthOptions?: HealthHandlerOptions;
  /** Your routes. A throw or rejection becomes a problem+json response; write nothing for it yourself. */
  handle: (req: IncomingMessage, res: ServerResponse) => unknown;
}

/**
 * A node:http request listener: `httpLogger` (request id from `x-request-id`/`traceparent`,
 * echoed, on every line; one line per response; health probes not logged), the health
 * endpoints, then `handle`, whose errors are answered as RFC 9457 problem+json with the
 * request id as `instance` (a 5xx logged, its internals never sent).
 *
 * @example
 * http.createServer(requestHandler({ logger, health, handle: routes })).listen(3000);
 *
 * @throws ConfigurationError without a logger or `handle`, or for a bad option.
 */
export function requestHandler(
  options: RequestHandlerOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  checkObject('requestHandler', options, ['logger', 'health', 'healthOptions', 'handle']);
  const { logger, health, handle } = options;
  checkOptional(
    'requestHandler.handle',
    handle,
    'function',
    'a function (req, res) => unknown: your routes',
    true,
  );
  const basePath = options.healthOptions?.basePath ?? '/health';
  const log = httpLogger({ logger, ignore: (req) => isHealthRequest(req, basePath) });
  const probes = health === undefined ? undefined : healthHandler(health, options.healthOptions);
  const fail = (res: ServerResponse, error: unknown): void => {
    if (res.headersSent) {
      logger.error({ err: error }, 'error after the response started');
      res.destroy();
      return;
    }
    const problem = problemResponse(error, { requestId: echoedRequestId(res), logger });
    res.writeHead(problem.status, problem.headers).end(JSON.stringify(problem.body));
  };
  const route = (req: IncomingMessage, res: ServerResponse): void => {
    try {
      Promise.resolve(handle(req, res)).catch((error: unknown) => fail(res, error));
    } catch (error) {
      fail(res, error);
    }
  };
  return (req, res) =>
    log(req, res, () => (probes === undefined ? route(req, res) : probes(req, res, () => route(req, res))));
}
