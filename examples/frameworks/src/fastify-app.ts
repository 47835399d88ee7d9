import { ballastFastify, fastifyOptions } from '@ballast/http/fastify';
import { context } from '@opentelemetry/api';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Services } from './services.js';
import { traceRequest } from './telemetry.js';

/** The Fastify 5 app: tracing, Fastify's request logging through Ballast's logger, health endpoints, problem-details errors. */
export async function createFastifyApp({ logger, health, catalogue }: Services): Promise<FastifyInstance> {
  const app = Fastify(fastifyOptions({ logger }));
  // The rest of the request (handler, hooks, its log lines) runs in the request's span, a
  // child of the caller's `traceparent`.
  app.addHook('onRequest', (request, reply, done) => {
    const route = () => request.routeOptions.url;
    context.with(
      traceRequest({ method: request.method, headers: request.headers, res: reply.raw, route }),
      done,
    );
  });
  await app.register(ballastFastify, { health });
  // request.log carries the request's req_id (Fastify's request.id, from x-request-id).
  app.get<{ Params: { id: string } }>('/courses/:id', async (request) =>
    catalogue.course(request.params.id, request.log),
  );
  return app;
}
