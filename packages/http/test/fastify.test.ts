import { createHealth } from '@ballast/health';
import { ballastFastify, fastifyOptions } from '@ballast/http/fastify';
import { createLogger, type LogSink } from '@ballast/logger';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { describeAdapter } from './contract.js';

describeAdapter('fastify', async ({ logger, health, course }) => {
  const app = Fastify(fastifyOptions({ logger }));
  await app.register(ballastFastify, { health });
  app.get<{ Params: { id: string } }>('/courses/:id', async (request) => course(request.params.id));
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, stop: () => app.close() };
});

describe('Fastify with a Ballast loggerInstance', () => {
  const start = async (options: { plugin: boolean }) => {
    const sink = memory();
    const logger = createLogger({ sinks: [sink], base: null });
    const health = createHealth({
      checks: [{ name: 'p', kinds: ['readiness'], run: () => true }],
      cacheFor: 0,
    });
    const app = Fastify(options.plugin ? fastifyOptions({ logger }) : { loggerInstance: logger });
    if (options.plugin) await app.register(ballastFastify, { health });
    app.get('/hello', async (request) => {
      request.log.info({ user: 'ann', password: 'hunter2' }, 'handler line');
      return { hello: 'world' };
    });
    app.get('/boom', async () => {
      throw new Error('boom');
    });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    return { app, url, sink, logger, health };
  };

  it("works as plain Fastify({ loggerInstance }): Fastify's request lines with serialized req and res", async () => {
    const { app, url, sink, logger } = await start({ plugin: false });
    try {
      expect((await fetch(`${url}/hello`)).status).toBe(200);
      await logger.flush();
      const lines = sink.lines.filter((line) => line.reqId !== undefined);
      expect(lines.map((line) => line.msg)).toEqual([
        'incoming request',
        'handler line',
        'request completed',
      ]);
      expect(lines[0]?.req).toMatchObject({ method: 'GET', url: '/hello', remoteAddress: '127.0.0.1' });
      expect(Object.keys(lines[0]?.req as object)).not.toContain('raw');
      expect(lines[1]).toMatchObject({ user: 'ann', password: '[REDACTED]' });
      expect(lines[2]).toMatchObject({ res: { statusCode: 200 } });
      expect(typeof lines[2]?.responseTime).toBe('number');
    } finally {
      await app.close();
    }
  });

  it('with fastifyOptions, request.id is the x-request-id and every request line carries it as req_id', async () => {
    const { app, url, sink, logger } = await start({ plugin: true });
    try {
      const res = await fetch(`${url}/hello?token=abc&page=2`, { headers: { 'x-request-id': 'abc-123' } });
      expect(res.headers.get('x-request-id')).toBe('abc-123');
      const traced = await fetch(`${url}/hello`, {
        headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
      });
      expect(traced.headers.get('x-request-id')).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
      await fetch(`${url}/health/ready`);
      await logger.flush();
      const mine = sink.lines.filter((line) => line.req_id === 'abc-123');
      expect(mine.map((line) => line.msg)).toEqual(['incoming request', 'handler line', 'request completed']);
      expect(mine[0]?.req).toMatchObject({ method: 'GET', url: '/hello?token=[REDACTED]&page=2' });
      expect(
        sink.lines.some((line) => (line.req as { url?: string } | undefined)?.url === '/health/ready'),
      ).toBe(false);
    } finally {
      await app.close();
    }
  });

  it('logs a 500 with the error on request.log and sends no internals', async () => {
    const { app, url, sink, logger } = await start({ plugin: true });
    try {
      const res = await fetch(`${url}/boom`, { headers: { 'x-request-id': 'req-500' } });
      expect(res.status).toBe(500);
      expect(await res.text()).not.toMatch(/boom|at /);
      await logger.flush();
      const failed = sink.lines.find((line) => line.req_id === 'req-500' && line.msg === 'unhandled error');
      expect(JSON.stringify(failed?.err)).toContain('boom');
    } finally {
      await app.close();
    }
  });

  it('fails readiness once the app starts closing and flushes the logger on close', async () => {
    const { app, sink, health } = await start({ plugin: true });
    let flushed = 0;
    sink.flush = async () => {
      flushed++;
    };
    expect(health.shuttingDown).toBe(false);
    await app.close();
    expect(health.shuttingDown).toBe(true);
    expect((await health.check('readiness')).status).toBe('fail');
    expect(flushed).toBeGreaterThan(0);
  });

  it('rejects bad options with ConfigurationError naming them', async () => {
    expect(() => fastifyOptions({} as never)).toThrow(/fastifyOptions.logger/);
    expect(() => fastifyOptions({ logger: createLogger(), header: 1 } as never)).toThrow(
      /fastifyOptions.header/,
    );
    expect(() => fastifyOptions({ logger: createLogger(), extra: 1 } as never)).toThrow(
      /fastifyOptions.extra/,
    );
    const app = Fastify();
    await expect(app.register(ballastFastify, { helth: {} } as never).ready()).rejects.toThrow(
      /ballastFastify.helth/,
    );
  });
});

function memory(): LogSink & { lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  return { name: 'memory', lines, write: (line) => lines.push(JSON.parse(line)) };
}
