import { NotFoundError, RateLimitedError } from '@ballast/errors';
import { createHealth, type Health, pingCheck } from '@ballast/health';
import { createLogger, type Logger, type LogSink } from '@ballast/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** What every adapter's app gets: a logger writing to memory, a health registry and the routes. */
export interface App {
  logger: Logger;
  health: Health;
  database: { up: boolean };
  /** The business logic behind `GET /courses/:id`. */
  course(id: string): { id: string; title: string };
}

/** Starts the framework on a free port with the adapters and resolves its URL and a stop function. */
export type Start = (app: App) => Promise<{ url: string; stop: () => Promise<void> }>;

const COURSES: Record<string, string> = { '1': 'Algebra' };

/** The behaviour every adapter must show over real HTTP. */
export function describeAdapter(name: string, start: Start): void {
  describe(`${name} adapter`, () => {
    const lines: Array<Record<string, unknown>> = [];
    const sink: LogSink = { name: 'memory', write: (line) => lines.push(JSON.parse(line)) };
    const database = { up: true };
    const app: App = {
      logger: createLogger({ name: 'adapter-test', sinks: [sink], base: null }),
      health: createHealth({
        checks: [
          pingCheck('database', () => database.up, { kinds: ['readiness'] }),
          { name: 'process', kinds: ['liveness'], run: () => true },
        ],
        cacheFor: 0,
      }),
      database,
      course(id) {
        if (id === 'limited') throw new RateLimitedError('Slow down', { retryAfterMs: 30_000 });
        if (id === 'crash') throw new Error('connect ECONNREFUSED postgres://app:hunter2@10.0.0.7/db');
        const title = COURSES[id];
        if (title === undefined) throw new NotFoundError(`Course ${id} does not exist`);
        return { id, title };
      },
    };
    let url: string;
    let stop: () => Promise<void>;
    beforeAll(async () => {
      ({ url, stop } = await start(app));
    });
    afterAll(async () => {
      await stop();
      await app.health.close();
      await app.logger.close();
    });
    const linesFor = (id: string) => lines.filter((line) => line.req_id === id);

    it('serves a route, echoes the request id and puts it as req_id on the request lines', async () => {
      const res = await fetch(`${url}/courses/1`, { headers: { 'x-request-id': `${name}-ok` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-request-id')).toBe(`${name}-ok`);
      expect(await res.json()).toEqual({ id: '1', title: 'Algebra' });
      await app.logger.flush();
      const mine = linesFor(`${name}-ok`);
      expect(mine.length).toBeGreaterThan(0);
      expect(mine.at(-1)?.msg).toMatch(/request completed/);
    });

    it('generates a request id when the client sends none', async () => {
      const res = await fetch(`${url}/courses/1`);
      expect(res.headers.get('x-request-id')).toMatch(/^[\w-]{8,}$/);
    });

    it('answers a missing resource and an unknown route with 404 problem+json, instance = request id', async () => {
      const res = await fetch(`${url}/courses/42`, { headers: { 'x-request-id': `${name}-404` } });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await res.json()).toMatchObject({ status: 404, code: 'NOT_FOUND', instance: `${name}-404` });
      const nowhere = await fetch(`${url}/nowhere`);
      expect(nowhere.status).toBe(404);
      expect(((await nowhere.json()) as { code: string }).code).toBe('NOT_FOUND');
    });

    it('answers a rate-limited call with 429 and Retry-After', async () => {
      const res = await fetch(`${url}/courses/limited`);
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('30');
    });

    it('hides the internals of a 500 from the client and logs them, redacted, with the request id', async () => {
      const res = await fetch(`${url}/courses/crash`, { headers: { 'x-request-id': `${name}-500` } });
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(text).not.toMatch(/ECONNREFUSED|hunter2/);
      expect(JSON.parse(text)).toMatchObject({ status: 500, instance: `${name}-500` });
      await app.logger.flush();
      const logged = linesFor(`${name}-500`).find((line) => line.msg === 'unhandled error');
      expect(JSON.stringify(logged)).toContain('ECONNREFUSED');
      expect(JSON.stringify(lines)).not.toContain('hunter2');
    });

    it('serves health+json probes, 503 when readiness fails, and does not log them', async () => {
      const live = await fetch(`${url}/health/live`);
      expect(live.status).toBe(200);
      expect(live.headers.get('content-type')).toMatch(/^application\/health\+json/);
      expect(((await live.json()) as { status: string }).status).toBe('pass');
      database.up = false;
      try {
        const ready = await fetch(`${url}/health/ready`, { headers: { 'x-request-id': `${name}-ready` } });
        expect(ready.status).toBe(503);
        expect(((await ready.json()) as { status: string }).status).toBe('fail');
      } finally {
        database.up = true;
      }
      expect((await fetch(`${url}/health`)).status).toBe(200);
      const head = await fetch(`${url}/health/live`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(await head.text()).toBe('');
      const unknown = await fetch(`${url}/health/nowhere`);
      expect(unknown.status).toBe(404);
      await app.logger.flush();
      expect(linesFor(`${name}-ready`)).toEqual([]);
    });
  });
}
