import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { NotFoundError } from '@ballast/errors';
import { type Health, type HealthHandlerOptions, healthHandler } from '@ballast/health';
import { incomingRequestId, type Logger, safePath } from '@ballast/logger';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
} from 'fastify';
import { checkObject, checkOptional } from './internal/check.js';
import { healthReply } from './internal/health-reply.js';
import { problemResponse } from './problem-response.js';

/** Options for {@link fastifyOptions}. */
export interface FastifyLoggerOptions {
  /** The Ballast logger Fastify logs through (`createLogger()`). */
  logger: Logger;
  /** The request header an incoming request id is read from. @defaultValue `'x-request-id'` */
  header?: string;
  /** Requests under this path are not logged (health probes). @defaultValue `'/health'` */
  healthPath?: string;
}

/** The Fastify server options {@link fastifyOptions} returns; spread your own next to them. */
export interface BallastFastifyServerOptions {
  /** The Ballast logger, typed as Fastify's base logger so that `Fastify(...)` keeps its default types. */
  loggerInstance: FastifyBaseLogger;
  /** `'req_id'`: the field Fastify's request lines carry the request id in, as Ballast's own lines do. */
  requestIdLogLabel: string;
  /** The incoming request id (`x-request-id`, or the trace id of `traceparent`), else a new UUID. */
  genReqId: (req: IncomingMessage) => string;
  /** Skips Fastify's request lines for the health routes, which probes hit every few seconds. */
  disableRequestLogging: (req: { url?: string | undefined }) => boolean;
}

/**
 * Server options that make Fastify log through a Ballast logger: `loggerInstance` (with a
 * `req` serializer that redacts secret query parameters), request ids taken from
 * `x-request-id` (or `traceparent`, else a random UUID) so `request.id` is the id the client
 * and the logs see, bound as `req_id` on `request.log` (log through `request.log` in
 * handlers), and health probes left out of request logging.
 *
 * @example
 * const app = Fastify(fastifyOptions({ logger }));
 */
export function fastifyOptions(options: FastifyLoggerOptions): BallastFastifyServerOptions {
  checkObject('fastifyOptions', options, ['logger', 'header', 'healthPath']);
  const { logger, header = 'x-request-id', healthPath = '/health' } = options;
  checkOptional('fastifyOptions.logger', logger, 'object', 'a logger from createLogger()', true);
  checkOptional('fastifyOptions.header', header, 'string', "a header name such as 'x-request-id'");
  checkOptional('fastifyOptions.healthPath', healthPath, 'string', "a path such as '/health'");
  return {
    // Fastify gives the instance's serializers precedence over its own: `req` keeps secret
    // query parameters out of the request lines.
    loggerInstance: logger.child({}, { serializers: { req: requestSerializer } }),
    requestIdLogLabel: 'req_id',
    genReqId: (req) => incomingRequestId(req.headers, header) ?? randomUUID(),
    disableRequestLogging: (req) => req.url?.startsWith(healthPath) === true,
  };
}

/** Fastify's `req` serializer, with the URL's secret query parameters redacted (`safePath`). */
function requestSerializer(request: FastifyRequest): Record<string, unknown> {
  return {
    method: request.method,
    url: safePath(request.url),
    host: request.host,
    remoteAddress: request.ip,
    user_agent: request.headers['user-agent'],
  };
}

/** Options of the {@link ballastFastify} plugin. */
export interface BallastFastifyOptions {
  /** Serves the health endpoints and fails readiness when the app starts closing. @defaultValue none */
  health?: Health;
  /** Options of `healthHandler` (`basePath`, `showDetails`). @defaultValue `{}` */
  healthOptions?: HealthHandlerOptions;
  /** The response header the request id is echoed in. @defaultValue `'x-request-id'` */
  header?: string;
}

const PLUGIN_KEYS = ['health', 'healthOptions', 'header'];

/**
 * The Fastify plugin: echoes `request.id` as `x-request-id`; answers errors and unknown
 * routes as RFC 9457 problem+json (instance = request id, 5xx logged on `request.log` and
 * never sent); serves the health endpoints as ordinary routes (no `reply.hijack()`, so
 * hooks and request logging see them); on `app.close()` fails readiness first
 * (`health.beginShutdown()` in `preClose`), lets Fastify drain, then flushes the logger
 * (`onClose`). Registered at the root: it does not encapsulate.
 *
 * @example
 * await app.register(ballastFastify, { health });
 */
export const ballastFastify: FastifyPluginAsync<BallastFastifyOptions> = async (
  app: FastifyInstance,
  options: BallastFastifyOptions,
) => {
  checkObject('ballastFastify', options, PLUGIN_KEYS);
  const { health, header = 'x-request-id' } = options;
  checkOptional('ballastFastify.header', header, 'string', "a header name such as 'x-request-id'");
  app.addHook('onRequest', (request, reply, done) => {
    reply.header(header, request.id);
    done();
  });
  app.setErrorHandler((error, request, reply) => {
    const problem = problemResponse(error, { requestId: request.id, logger: request.log });
    return reply.code(problem.status).headers(problem.headers).send(JSON.stringify(problem.body));
  });
  app.setNotFoundHandler((request) => {
    throw new NotFoundError(`No route for ${request.method} ${request.url.split('?')[0]}`);
  });
  if (health !== undefined) {
    const probes = healthHandler(health, options.healthOptions);
    const basePath = (options.healthOptions?.basePath ?? '/health').replace(/\/+$/, '');
    const serve = async (request: FastifyRequest, reply: FastifyReply) => {
      const answer = await healthReply(probes, request.raw);
      if (answer === undefined) throw new NotFoundError(`No route for ${request.method} ${request.url}`);
      const { 'content-length': _length, ...headers } = answer.headers;
      return reply
        .code(answer.status)
        .headers(headers)
        .send(answer.body ?? '');
    };
    app.get(basePath, serve);
    app.get(`${basePath}/*`, serve);
    app.addHook('preClose', (done) => {
      health.beginShutdown();
      done();
    });
  }
  app.addHook('onClose', async (instance) => {
    const log = instance.log as Partial<Logger>;
    if (typeof log.flush === 'function') await log.flush();
  });
};

// What fastify-plugin does: the hooks and handlers apply to the app registering it, not a child context.
Object.assign(ballastFastify, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: '@ballast/http/fastify',
});
