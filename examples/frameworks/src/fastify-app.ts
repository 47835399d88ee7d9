import { ballastFastify, fastifyOptions } from '@ballast/http/fastify';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Services } from './services.js';

/** The Fastify 5 app: Fastify's request logging through Ballast's logger, health endpoints, problem-details errors. */
export async function createFastifyApp({ logger, health, catalogue }: Services): Promise<FastifyInstance> {
  const app = Fastify(fastifyOptions({ logger }));
  await app.register(ballastFastify, { health });
  // request.log carries the request's req_id (Fastify's request.id, from x-request-id).
  app.get<{ Params: { id: string } }>('/courses/:id', async (request) =>
    catalogue.course(request.params.id, request.log),
  );
  return app;
}
