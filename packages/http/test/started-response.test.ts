import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorHandler, notFound, requestLogger } from '@ballast/http/express';
import { requestHandler } from '@ballast/http/node';
import { createLogger } from '@ballast/logger';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';

function setup() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({ sinks: [{ name: 'memory', write: (line) => lines.push(JSON.parse(line)) }] });
  return { lines, logger };
}

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function listen(s: Server): Promise<string> {
  server = s;
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

describe('errors around a started response', () => {
  it('node:http: answers a synchronous throw as problem+json', async () => {
    const { logger } = setup();
    const url = await listen(
      createServer(
        requestHandler({
          logger,
          handle: () => {
            throw new Error('sync');
          },
        }),
      ),
    );
    const res = await fetch(`${url}/x`);
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });

  it('node:http: cuts the connection and logs when the error comes after the response started', async () => {
    const { logger, lines } = setup();
    const url = await listen(
      createServer(
        requestHandler({
          logger,
          handle: async (_req, res) => {
            res.writeHead(200, { 'content-type': 'text/plain' });
            res.write('partial');
            await new Promise((resolve) => setImmediate(resolve));
            throw new Error('late');
          },
        }),
      ),
    );
    const body = await fetch(`${url}/x`)
      .then((res) => res.text())
      .catch((error: unknown) => error);
    expect(body).toBeInstanceOf(Error);
    await logger.flush();
    expect(lines.some((line) => line.msg === 'error after the response started')).toBe(true);
  });

  it("express: passes an error after the response started on to Express's own handler", async () => {
    const { logger } = setup();
    const app = express();
    app.use(requestLogger({ logger }));
    app.get('/late', (_req, res, next) => {
      res.write('partial');
      next(new Error('late'));
    });
    app.use(notFound());
    app.use(errorHandler({ logger }));
    const url = await listen(createServer(app));
    const outcome = await fetch(`${url}/late`)
      .then((res) => res.text())
      .catch((error: unknown) => error);
    expect(outcome).toBeInstanceOf(Error);
    const missing = await fetch(`${url}/missing?x=1`);
    expect(((await missing.json()) as { detail: string }).detail).toBe('No route for GET /missing');
  });

  it('express: answers without instance when no request logger set a request id', async () => {
    const { logger } = setup();
    const app = express();
    app.use(notFound());
    app.use(errorHandler({ logger }));
    const url = await listen(createServer(app));
    const body = (await (await fetch(`${url}/x`)).json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(body).not.toHaveProperty('instance');
  });
});
