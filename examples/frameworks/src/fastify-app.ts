import { NotFoundError } from '@ballast/errors';
import { healthHandler } from '@ballast/health';
import { httpLogger } from '@ballast/logger';
import Fastify, { type FastifyInstance } from 'fastify';
import { problemResponse } from './problem.js';
import type { Services } from './services.js';

/** The Fastify 5 app: the same logger middleware, health endpoints and problem-details errors. */
export function createFastifyApp({ logger, health, catalogue }: Services): FastifyInstance {
  // Ballast's logger replaces Fastify's own request logging.
  const app = Fastify({ logger: false });
  const log = httpLogger({ logger, ignore: (req) => req.url?.startsWith('/health') === true });
  // httpLogger is (req, res, next) middleware: run it on the raw Node objects, continue in its log context.
  app.addHook('onRequest', (request, reply, done) => log(request.raw, reply.raw, () => done()));

  const probes = healthHandler(health);
  const serveHealth = (
    request: { raw: Parameters<typeof probes>[0] },
    reply: { hijack(): void; raw: Parameters<typeof probes>[1] },
  ) => {
    reply.hijack(); // the handler writes the Node response itself
    probes(request.raw, reply.raw);
  };
  app.get('/health', serveHealth);
  app.get('/health/*', serveHealth);

  app.get<{ Params: { id: string } }>('/courses/:id', async (request) =>
    catalogue.course(request.params.id, logger),
  );

  app.setNotFoundHandler((request) => {
    throw new NotFoundError(`No route for ${request.method} ${request.url.split('?')[0]}`);
  });
  app.setErrorHandler((error, _request, reply) => {
    const problem = problemResponse(error, reply.getHeader('x-request-id') as string | undefined, logger);
    return reply.status(problem.status).headers(problem.headers).send(JSON.stringify(problem.body));
  });
  return app;
}
