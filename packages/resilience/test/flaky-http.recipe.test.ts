import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorFromHttpResponse, NotFoundError } from '@ballast/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  circuitBreaker,
  constantBackoff,
  failureRate,
  pipeline,
  retry,
  retryBudget,
  timeout,
} from '../src/index.js';

// The README's "Calling a flaky HTTP API" recipe against a real local server.
describe('recipe: calling a flaky HTTP API', () => {
  let server: Server;
  let base = '';
  const hits = new Map<string, number>();

  beforeAll(async () => {
    server = createServer((req, res) => {
      const n = (hits.get(req.url!) ?? 0) + 1;
      hits.set(req.url!, n);
      if (req.url === '/flaky' && n <= 2) {
        res.writeHead(503, { 'retry-after': '0' }).end('busy');
      } else if (req.url === '/missing') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('no such charge');
      } else {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ chargeId: 'ch_1' }));
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const breaker = circuitBreaker({
    name: 'payments',
    strategy: failureRate({ threshold: 0.5, window: '30s', minThroughput: 20 }),
  });
  const payments = pipeline(
    retry({
      maxAttempts: 4,
      backoff: constantBackoff(0),
      respectRetryAfter: { max: '10s' },
      budget: retryBudget(),
    }),
    breaker,
    timeout('3s'),
  );
  const call = (path: string) =>
    payments.execute(async ({ signal }) => {
      const response = await fetch(base + path, { signal });
      const body = await response.text();
      if (!response.ok) throw errorFromHttpResponse(response.status, response.headers, body);
      return JSON.parse(body) as { chargeId: string };
    });

  it('retries 503s and returns the charge', async () => {
    await expect(call('/flaky')).resolves.toEqual({ chargeId: 'ch_1' });
    expect(hits.get('/flaky')).toBe(3);
  });

  it('does not retry a 404, and the breaker stays closed', async () => {
    const error = await call('/missing').catch((e: unknown) => e);
    expect(NotFoundError.is(error)).toBe(true);
    expect((error as { attempts: number }).attempts).toBe(1);
    expect(hits.get('/missing')).toBe(1);
    expect(breaker.state).toBe('closed');
  });
});
