import type { Server } from 'node:http';
import { NotFoundError } from '@ballast/errors';
import { healthHandler } from '@ballast/health';
import { httpLogger } from '@ballast/logger';
import express, { type ErrorRequestHandler, type Express } from 'express';
import { problemResponse } from './problem.js';
import type { Services } from './services.js';

/** The Express 5 app: request logging, health endpoints, a route, problem-details errors. */
export function createExpressApp({ logger, health, catalogue }: Services): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(httpLogger({ logger, ignore: (req) => req.url?.startsWith('/health') === true }));
  app.use(healthHandler(health));

  app.get('/courses/:id', async (req, res) => {
    // Express 5 sends a rejected promise to the error handler by itself.
    res.json(await catalogue.course(req.params.id, logger));
  });

  app.use((req, _res, next) => next(new NotFoundError(`No route for ${req.method} ${req.path}`)));
  const onError: ErrorRequestHandler = (error, _req, res, next) => {
    if (res.headersSent) return next(error);
    const problem = problemResponse(error, res.getHeader('x-request-id') as string | undefined, logger);
    res.status(problem.status).set(problem.headers).send(JSON.stringify(problem.body));
  };
  app.use(onError);
  return app;
}

/** Starts the app on `port` (0 picks a free one) and resolves the listening server. */
export function listenExpress(app: Express, port = 0): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, '127.0.0.1', (error?: Error) =>
      error ? reject(error) : resolve(server),
    );
  });
}
