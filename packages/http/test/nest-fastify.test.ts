import { nestLogger } from '@ballast/http/nest';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { describeAdapter } from './contract.js';
import { coursesModule } from './nest-app.js';

// The same module on Nest's Fastify platform: request logging runs as Nest middleware (Nest
// registers @fastify/middie), the filter answers through Fastify's reply, and the health
// controller reads the raw request.
describeAdapter('nest-fastify', async (app) => {
  const nest = await NestFactory.create<NestFastifyApplication>(coursesModule(app), new FastifyAdapter(), {
    logger: nestLogger(app.logger),
  });
  await nest.listen(0, '127.0.0.1');
  const url = (await nest.getUrl()).replace('[::1]', '127.0.0.1');
  return { url, stop: () => nest.close() };
});
