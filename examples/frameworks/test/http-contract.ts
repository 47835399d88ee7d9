import type { LogSink } from '@ballast/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../src/services.js';

/** Starts an app on a free port and resolves its base URL and a stop function. */
export type StartApp = (services: Services) => Promise<{ url: string; stop: () => Promise<void> }>;

/** The behaviour both framework apps must show, over real HTTP. */
export function describeFrameworkApp(name: string, start: StartApp): void {
  describe(`${name}: logger middleware, problem details and health endpoints`, () => {
    const lines: Array<Record<string, unknown>> = [];
    const sink: LogSink = { name: 'memory', write: (line) => lines.push(JSON.parse(line)) };
    let services: Services;
    let base: string;
    let stop: () => Promise<void>;

    beforeAll(async () => {
      services = createServices({ sinks: [sink] });
      ({ url: base, stop } = await start(services));
    });
    afterAll(async () => {
      await stop();
      await services.health.close();
      await services.logger.close();
    });

    const linesFor = (id: string) => lines.filter((line) => line.req_id === id);
    // httpLogger writes req.path and res.status; Fastify's own request lines req.url and res.statusCode.
    const pathOf = (line: Record<string, unknown> | undefined) => {
      const req = line?.req as { path?: string; url?: string } | undefined;
      return req?.path ?? req?.url;
    };
    const statusOf = (line: Record<string, unknown> | undefined) => {
      const res = line?.res as { status?: number; statusCode?: number } | undefined;
      return res?.status ?? res?.statusCode;
    };

    it('serves a route, echoes the request id and logs one line per response carrying it', async () => {
      const res = await fetch(`${base}/courses/1?token=abc123`, { headers: { 'x-request-id': 'req-ok-1' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-request-id')).toBe('req-ok-1');
      expect(await res.json()).toEqual({ id: '1', title: 'Algebra' });
      await services.logger.flush();
      const mine = linesFor('req-ok-1');
      expect(mine.map((line) => line.msg)).toContain('course served');
      expect(mine.at(-1)?.msg).toBe('request completed');
      expect(statusOf(mine.at(-1))).toBe(200);
      expect(mine.some((line) => pathOf(line) === '/courses/1?token=[REDACTED]')).toBe(true);
      expect(JSON.stringify(lines)).not.toContain('abc123');
    });

    it('generates a request id when the client sends none', async () => {
      const res = await fetch(`${base}/courses/2`);
      expect(res.headers.get('x-request-id')).toMatch(/^[\w-]{8,}$/);
    });

    it('answers a missing resource with a 404 problem document whose instance is the request id', async () => {
      const res = await fetch(`${base}/courses/42`, { headers: { 'x-request-id': 'req-404' } });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await res.json()).toMatchObject({
        status: 404,
        title: 'Not Found',
        code: 'NOT_FOUND',
        detail: 'Course 42 does not exist',
        instance: 'req-404',
      });
      await services.logger.flush();
      expect(statusOf(linesFor('req-404').at(-1))).toBe(404);
    });

    it('answers an unknown route with a 404 problem document', async () => {
      const res = await fetch(`${base}/nowhere`);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { code: string }).code).toBe('NOT_FOUND');
    });

    it('answers a rate-limited call with 429 and Retry-After', async () => {
      const res = await fetch(`${base}/courses/limited`);
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('30');
      expect(await res.json()).toMatchObject({ status: 429, retryAfterMs: 30_000 });
    });

    it('hides the internals of an unexpected error from the client and logs them, redacted', async () => {
      const res = await fetch(`${base}/courses/crash`, { headers: { 'x-request-id': 'req-500' } });
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(text).not.toMatch(/ECONNREFUSED|hunter2|at .*\.ts/);
      expect(JSON.parse(text)).toMatchObject({ status: 500, instance: 'req-500' });
      await services.logger.flush();
      const mine = linesFor('req-500');
      expect(mine.map((line) => line.msg)).toContain('unhandled error');
      expect(statusOf(mine.at(-1))).toBe(500);
      expect(JSON.stringify(mine)).toContain('ECONNREFUSED');
      expect(JSON.stringify(lines)).not.toContain('hunter2');
    });

    it('serves the health endpoints as health+json, 503 when a readiness check fails', async () => {
      const live = await fetch(`${base}/health/live`);
      expect(live.status).toBe(200);
      expect(live.headers.get('content-type')).toMatch(/^application\/health\+json/);
      expect(((await live.json()) as { status: string }).status).toBe('pass');
      expect((await fetch(`${base}/health/ready`)).status).toBe(200);
      services.catalogue.database.up = false;
      try {
        const ready = await fetch(`${base}/health/ready`);
        expect(ready.status).toBe(503);
        expect(((await ready.json()) as { status: string }).status).toBe('fail');
        expect((await fetch(`${base}/health/live`)).status).toBe(200);
      } finally {
        services.catalogue.database.up = true;
      }
      await services.logger.flush();
      expect(lines.some((line) => String(pathOf(line)).startsWith('/health'))).toBe(false);
    });
  });
}
