import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigurationError } from '@ballast/errors';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createHealth,
  type Health,
  type HealthHandlerOptions,
  healthHandler,
  renderDoctor,
} from '../src/index.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function serve(health: Health, options?: HealthHandlerOptions): Promise<string> {
  const handler = healthHandler(health, options);
  const server = createServer((req, res) => handler(req, res));
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function registry(redisUp = true): Health {
  return createHealth({
    service: { name: 'api', version: '3', releaseId: 'r42' },
    checks: [
      { name: 'loop', kinds: ['liveness', 'readiness'], run: () => true },
      {
        name: 'redis',
        measurement: 'responseTime',
        componentType: 'datastore',
        observedUnit: 'ms',
        run: () =>
          redisUp
            ? { status: 'pass', observedValue: 2 }
            : { status: 'fail', output: 'connect ECONNREFUSED redis://u:pw@127.0.0.1:1' },
      },
      { name: 'warmup', kinds: ['startup'], run: () => true },
      { name: 'disk space', critical: false, run: () => ({ status: 'warn', output: 'low' }) },
    ],
  });
}

describe('healthHandler over real HTTP', () => {
  it('serves every endpoint as application/health+json with no-store', async () => {
    const base = await serve(registry(), { showDetails: 'always' });
    for (const path of [
      '/health',
      '/health/',
      '/health/live',
      '/health/ready',
      '/health/startup',
      '/health/checks/redis',
    ]) {
      const res = await fetch(`${base}${path}?verbose=1`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/health+json');
      expect(res.headers.get('cache-control')).toBe('no-store');
      const body = (await res.json()) as { status: string; version: string; serviceId: string };
      expect(body).toMatchObject({ version: '3', releaseId: 'r42', serviceId: 'api' });
    }
  });

  it('returns the IETF body shape with checks keyed component:measurement', async () => {
    const base = await serve(registry(), { showDetails: 'always' });
    const body = (await (await fetch(`${base}/health`)).json()) as Record<string, unknown>;
    expect(body.status).toBe('warn');
    expect(body.output).toBe('disk space: warn');
    const checks = body.checks as Record<string, Record<string, unknown>[]>;
    expect(Object.keys(checks)).toEqual(['loop', 'redis:responseTime', 'warmup', 'disk space']);
    expect(checks['redis:responseTime']![0]).toMatchObject({
      componentId: 'redis',
      componentType: 'datastore',
      observedValue: 2,
      observedUnit: 'ms',
      status: 'pass',
    });
    expect(Date.parse(checks['redis:responseTime']![0]!.time as string)).not.toBeNaN();
    const live = (await (await fetch(`${base}/health/live`)).json()) as { checks: object };
    expect(Object.keys(live.checks)).toEqual(['loop']);
    const one = (await (await fetch(`${base}/health/checks/disk%20space`)).json()) as { status: string };
    expect(one.status).toBe('warn');
  });

  it('answers 503 with a redacted output when a critical check fails, and 200 for warn', async () => {
    const base = await serve(registry(false), { showDetails: 'always' });
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(503);
    const text = await ready.text();
    expect(text).toContain('redis://u:[REDACTED]@127.0.0.1:1');
    expect(text).not.toContain(':pw@');
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
    expect((await fetch(`${base}/health/checks/redis`)).status).toBe(503);
    expect((await fetch(`${base}/health/checks/disk%20space`)).status).toBe(200);
  });

  it('never serves the credential in an observed value', async () => {
    const health = createHealth({
      checks: [
        {
          name: 'cache',
          run: () => ({ status: 'warn', observedValue: 'redis://default:pw123456@cache:6379' }),
        },
      ],
    });
    const base = await serve(health, { showDetails: 'always' });
    for (const path of ['/health', '/health/ready', '/health/checks/cache']) {
      const text = await (await fetch(`${base}${path}`)).text();
      expect(text, path).toContain('"observedValue":"redis://default:[REDACTED]@cache:6379"');
      expect(text, path).not.toContain('pw123456');
    }
  });

  it('answers readiness 503 once shutdown begins while liveness stays 200', async () => {
    const health = registry();
    const base = await serve(health);
    expect((await fetch(`${base}/health/ready`)).status).toBe(200);
    health.beginShutdown();
    expect((await fetch(`${base}/health/ready`)).status).toBe(503);
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
  });

  it('answers 404 as problem+json for an unknown check name, never echoing the name', async () => {
    const base = await serve(registry());
    const secret = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc';
    const echoed = await fetch(`${base}/health/checks/${secret}`);
    expect(echoed.status).toBe(404);
    expect(await echoed.text()).not.toContain(secret);
    const res = await fetch(`${base}/health/checks/nope`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'There is no health check with the requested name.',
    });
    expect((await fetch(`${base}/health/checks/%E0%A4%A`)).status).toBe(404);
  });

  it('answers 404 for paths outside its endpoints when there is no next()', async () => {
    const base = await serve(registry());
    for (const path of ['/', '/healthz', '/health/checks/', '/health/other', '/health/checks']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status, path).toBe(404);
      expect(await res.text()).toBe('');
    }
  });

  it('answers HEAD with the status and headers but no body, and 405 for other methods', async () => {
    const base = await serve(registry(false));
    const head = await fetch(`${base}/health/ready`, { method: 'HEAD' });
    expect(head.status).toBe(503);
    expect(head.headers.get('content-type')).toBe('application/health+json');
    expect(Number(head.headers.get('content-length'))).toBeGreaterThan(0);
    expect(await head.text()).toBe('');
    const post = await fetch(`${base}/health/ready`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('hides details by default, leaving status and service identity', async () => {
    const base = await serve(registry(false));
    expect(await (await fetch(`${base}/health`)).json()).toEqual({
      status: 'fail',
      version: '3',
      releaseId: 'r42',
      serviceId: 'api',
    });
    const bare = await serve(createHealth());
    expect(await (await fetch(`${bare}/health`)).json()).toEqual({ status: 'pass' });
  });

  it('shows details only to requests the showDetails function allows', async () => {
    const base = await serve(registry(), {
      showDetails: (req: IncomingMessage) => req.headers['x-internal'] === 'yes',
    });
    const hidden = (await (await fetch(`${base}/health`)).json()) as object;
    expect(hidden).not.toHaveProperty('checks');
    const shown = (await (
      await fetch(`${base}/health`, { headers: { 'x-internal': 'yes' } })
    ).json()) as object;
    expect(shown).toHaveProperty('checks');
  });

  it('honours a custom basePath and Express originalUrl, and falls through to next()', async () => {
    const health = registry();
    const handler = healthHandler(health, { basePath: '/_internal/health/' });
    const server = createServer((req, res) => {
      if (req.url?.startsWith('/mounted'))
        (req as { originalUrl?: string }).originalUrl = '/_internal/health/live';
      handler(req, res, () => {
        res.writeHead(418);
        res.end('next');
      });
    });
    servers.push(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    expect((await fetch(`${base}/_internal/health/ready`)).status).toBe(200);
    expect((await fetch(`${base}/mounted`)).status).toBe(200);
    const other = await fetch(`${base}/api/users`);
    expect(other.status).toBe(418);
    expect(await other.text()).toBe('next');
  });

  it('serves at the root with basePath "/"', async () => {
    const base = await serve(registry(), { basePath: '/' });
    expect((await fetch(`${base}/ready`)).status).toBe(200);
    expect((await fetch(`${base}/`)).status).toBe(200);
  });

  it('answers 503 when the registry itself rejects, without showing what it threw', async () => {
    const secret = 'redis://admin:hunter2@cache:6379 unreachable';
    const broken = { ...createHealth(), check: () => Promise.reject(new Error(secret)) } as Health;
    const base = await serve(broken, { showDetails: 'always' });
    const res = await fetch(`${base}/health`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'fail', output: 'The health check could not run.' });
    const odd = { ...createHealth(), check: () => Promise.reject('nope') } as Health;
    const oddBase = await serve(odd);
    expect(await (await fetch(`${oddBase}/health`)).json()).toEqual({
      status: 'fail',
      output: 'The health check could not run.',
    });
  });

  it('hides the details, and still answers, when the showDetails function throws', async () => {
    const base = await serve(registry(), {
      showDetails: () => {
        throw new Error('auth service down');
      },
    });
    const res = await fetch(`${base}/health`);
    expect(res.status).toBe(200);
    expect((await res.json()) as object).not.toHaveProperty('checks');
  });

  it('handles a request with no url as the root path', async () => {
    const handler = healthHandler(createHealth(), { basePath: '/' });
    const req = { method: 'GET', headers: {} } as IncomingMessage;
    let status = 0;
    const ended = new Promise<string>((resolve) => {
      const res = {
        writeHead: (code: number) => {
          status = code;
        },
        end: resolve,
      } as unknown as ServerResponse;
      handler(req, res);
    });
    expect(JSON.parse(await ended)).toEqual({ status: 'pass' });
    expect(status).toBe(200);
  });

  it.each([
    ['a basePath without a leading slash', { basePath: 'health' }],
    ['a basePath with a query', { basePath: '/health?x' }],
    ['an unknown showDetails', { showDetails: 'sometimes' }],
  ])('throws ConfigurationError for %s', (_, options) => {
    expect(() => healthHandler(createHealth(), options as never)).toThrow(ConfigurationError);
  });
});

describe('healthHandler with a host redactor whose output JSON cannot hold', () => {
  it('answers with the status and no details instead of crashing on a cyclic result', async () => {
    const cyclic: Record<string, unknown> = { output: 'hidden' };
    cyclic.details = { self: cyclic };
    for (const [status, code] of [
      ['pass', 200],
      ['fail', 503],
    ] as const) {
      const health = createHealth({
        redact: () => cyclic,
        checks: [{ name: 'db', run: () => ({ status, output: 'x' }) }],
      });
      const base = await serve(health, { showDetails: 'always' });
      for (let i = 0; i < 2; i++) {
        const res = await fetch(`${base}/health`);
        expect(res.status).toBe(code);
        expect(await res.json()).toEqual({
          status,
          output: 'The health report details could not be serialized.',
        });
      }
      // The summary (no details) still serializes.
      const plain = await serve(health, { showDetails: 'never' });
      expect(await (await fetch(`${plain}/health`)).json()).toEqual({ status });
    }
  });
});

describe('check names that hold secrets', () => {
  it('shows a connection-URL name redacted in reports and doctor lines, and still finds it by name', async () => {
    const name = 'postgres://app:s3cr3tpw@db.internal:5432/orders';
    const health = createHealth({ checks: [{ name, run: () => ({ status: 'fail', output: 'down' }) }] });
    const changes: string[] = [];
    health.on('change', (change) => changes.push(change.name));
    const report = await health.check();
    expect(changes).toEqual(['postgres://app:[REDACTED]@db.internal:5432/orders']);
    expect(renderDoctor(report, { color: false })).not.toContain('s3cr3tpw');
    expect(renderDoctor(report, { color: false })).toContain(
      'postgres://app:[REDACTED]@db.internal:5432/orders',
    );
    const json = JSON.stringify(report);
    expect(json).not.toContain('s3cr3tpw');
    expect(Object.keys(report.checks)).toEqual(['postgres://app:[REDACTED]@db.internal:5432/orders']);
    expect(report.output).toBe('postgres://app:[REDACTED]@db.internal:5432/orders: fail');
    const one = await health.checkOne(name);
    expect(JSON.stringify(one)).not.toContain('s3cr3tpw');
    const base = await serve(health, { showDetails: 'always' });
    const res = await fetch(`${base}/health/checks/${encodeURIComponent(name)}`);
    expect(res.status).toBe(503);
    expect(await res.text()).not.toContain('s3cr3tpw');
  });
});
