import { ballastFastify, fastifyOptions } from '@ballast/http/fastify';
import Fastify from 'fastify';
import { describeAdapter } from './contract.js';

describeAdapter('fastify', async ({ logger, health, course }) => {
  const app = Fastify(fastifyOptions({ logger }));
  await app.register(ballastFastify, { health });
  app.get<{ Params: { id: string } }>('/courses/:id', async (request) => course(request.params.id));
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, stop: () => app.close() };
});
