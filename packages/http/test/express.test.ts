import type { AddressInfo } from 'node:net';
import { errorHandler, healthRouter, notFound, requestLogger } from '@ballast/http/express';
import express from 'express';
import { describeAdapter } from './contract.js';

describeAdapter('express', async ({ logger, health, course }) => {
  const app = express();
  app.use(requestLogger({ logger }));
  app.use(healthRouter(health));
  app.get('/courses/:id', (req, res) => {
    res.json(course(req.params.id));
  });
  app.use(notFound());
  app.use(errorHandler({ logger }));
  const server = await new Promise<import('node:http').Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
});
