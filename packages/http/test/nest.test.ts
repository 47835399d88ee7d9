import { nestLogger } from '@ballast/http/nest';
import { NestFactory } from '@nestjs/core';
import { describeAdapter } from './contract.js';
import { coursesModule } from './nest-app.js';

describeAdapter('nest', async (app) => {
  const nest = await NestFactory.create(coursesModule(app), { logger: nestLogger(app.logger) });
  await nest.listen(0, '127.0.0.1');
  const url = (await nest.getUrl()).replace('[::1]', '127.0.0.1');
  return { url, stop: () => nest.close() };
});
