import { BallastModule, nestLogger } from '@ballast/http/nest';
import { Controller, Get, Module, Param } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { describeAdapter } from './contract.js';

// The same module on Nest's Fastify platform: request logging runs as Nest middleware (Nest
// registers @fastify/middie), the filter answers through Fastify's reply, and the health
// controller reads the raw request.
describeAdapter('nest-fastify', async ({ logger, health, course }) => {
  class CoursesController {
    get(id: string) {
      return course(id);
    }
  }
  const proto = CoursesController.prototype;
  Get(':id')(proto, 'get', Object.getOwnPropertyDescriptor(proto, 'get') as PropertyDescriptor);
  Param('id')(proto, 'get', 0);
  Controller('courses')(CoursesController);
  class AppModule {}
  Module({ imports: [BallastModule.forRoot({ logger, health })], controllers: [CoursesController] })(
    AppModule,
  );

  const app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(), {
    logger: nestLogger(logger),
  });
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return { url, stop: () => app.close() };
});
