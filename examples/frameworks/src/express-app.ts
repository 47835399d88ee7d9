import type { Server } from 'node:http';
import { errorHandler, healthRouter, notFound, requestLogger } from '@ballast/http/express';
import { context } from '@opentelemetry/api';
import express, { type Express } from 'express';
import type { Services } from './services.js';
import { traceRequest } from './telemetry.js';

/** The Express 5 app: tracing, request logging, health endpoints, a route, problem-details errors. */
export function createExpressApp({ logger, health, catalogue }: Services): Express {
  const app = express();
  app.disable('x-powered-by');
  // First, so everything after it (the request's log lines too) runs in the request's span,
  // a child of the caller's `traceparent`.
  app.use((req, res, next) => {
    const route = () => (req.route === undefined ? undefined : `${req.baseUrl}${String(req.route.path)}`);
    context.with(traceRequest({ method: req.method, headers: req.headers, res, route }), next);
  });
  app.use(requestLogger({ logger }));
  app.use(healthRouter(health));
  app.get('/courses/:id', async (req, res) => {
    // Express 5 sends a rejected promise to the error handler by itself; the handler runs in
    // the request's log context, so the root logger's lines carry its req_id.
    res.json(await catalogue.course(req.params.id, logger));
  });
  app.use(notFound());
  app.use(errorHandler({ logger }));
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
