import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { ManualClock } from '@ballast/core/testing';
import { ConfigurationError } from '@ballast/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateLag } from '../src/checks/event-loop-lag.js';
import { evaluateMemory } from '../src/checks/memory.js';
import {
  createHealth,
  diskSpaceCheck,
  eventLoopLagCheck,
  type HealthCheck,
  httpCheck,
  memoryCheck,
  pingCheck,
} from '../src/index.js';

async function entryOf(check: HealthCheck) {
  const health = createHealth({ checks: [check] });
  const report = await health.check();
  await health.close();
  return Object.values(report.checks)[0]![0]!;
}

describe('httpCheck', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const status = Number(req.url?.slice(1)) || 200;
      res.writeHead(status, status === 302 ? { location: '/elsewhere' } : {});
      res.end(req.headers['x-key'] === 'k' ? 'keyed' : 'ok');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('passes on 2xx and 3xx (without following redirects) and reports latency', async () => {
    const entry = await entryOf(httpCheck(`${base}/204`));
    expect(entry).toMatchObject({ status: 'pass', componentType: 'component', observedUnit: 'ms' });
    expect(entry.output).toBe(`GET ${base}/204 answered 204`);
    expect(typeof entry.observedValue).toBe('number');
    expect((await entryOf(httpCheck(`${base}/302`))).status).toBe('pass');
  });

  it('fails on an unexpected status with what it expected', async () => {
    const entry = await entryOf(httpCheck(`${base}/500`, { name: 'payments' }));
    expect(entry).toMatchObject({ componentId: 'payments', status: 'fail' });
    expect(entry.output).toBe(`GET ${base}/500 answered 500 (expected 2xx or 3xx)`);
    expect(entry.suggestion).toContain('127.0.0.1');
    const listed = await entryOf(httpCheck(`${base}/202`, { expectStatus: [200, 201] }));
    expect(listed.output).toContain('(expected 200 or 201)');
    expect((await entryOf(httpCheck(`${base}/404`, { expectStatus: 404 }))).status).toBe('pass');
    const custom = await entryOf(httpCheck(`${base}/200`, { expectStatus: (s) => s === 418 }));
    expect(custom.output).toContain('(expected an accepted status)');
  });

  it('sends the method and headers it is given', async () => {
    let seen = '';
    const probe = createServer((req, res) => {
      seen = `${req.method} ${req.headers['x-key']}`;
      res.end();
    });
    probe.listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const url = `http://127.0.0.1:${(probe.address() as AddressInfo).port}/`;
    await entryOf(httpCheck(url, { method: 'HEAD', headers: { 'x-key': 'k' } }));
    await new Promise((resolve) => probe.close(resolve));
    expect(seen).toBe('HEAD k');
  });

  it('fails with the network error when nothing listens', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const entry = await entryOf(httpCheck(new URL(`http://127.0.0.1:${port}/health`)));
    expect(entry.status).toBe('fail');
    expect(entry.output).toMatch(
      new RegExp(`^GET http://127.0.0.1:${port}/health failed: fetch failed: .*ECONNREFUSED`),
    );
  });

  it.each([
    ['a relative URL', '/health', {}],
    ['a non-http URL', 'ftp://x.test/', {}],
    ['an empty expectStatus list', 'http://x.test/', { expectStatus: [] }],
    ['a non-status expectStatus', 'http://x.test/', { expectStatus: 42 }],
  ])('throws ConfigurationError for %s', (_, url, options) => {
    expect(() => httpCheck(url, options as never)).toThrow(ConfigurationError);
  });
});

describe('diskSpaceCheck', () => {
  it('passes with free bytes observed when there is room', async () => {
    const entry = await entryOf(diskSpaceCheck(tmpdir(), { minFree: 0, warnFree: '0%' }));
    expect(entry).toMatchObject({
      componentId: 'disk',
      componentType: 'system',
      status: 'pass',
      observedUnit: 'bytes',
    });
    expect(entry.output).toMatch(/ free of .* \(\d+\.\d%\) on /);
    expect(entry.details).toMatchObject({ path: tmpdir() });
  });

  it('warns below warnFree and fails below minFree', async () => {
    const warn = await entryOf(diskSpaceCheck(tmpdir(), { minFree: '0B', warnFree: '100%' }));
    expect(warn.status).toBe('warn');
    expect(warn.suggestion).toContain('Free space on');
    const fail = await entryOf(diskSpaceCheck(tmpdir(), { minFree: '1024TiB' }));
    expect(fail.status).toBe('fail');
  });

  it('uses the root and 5 % / 10 % by default', async () => {
    const entry = await entryOf(diskSpaceCheck());
    expect(entry.output).toContain('on /');
  });

  it('fails when the path cannot be read', async () => {
    const entry = await entryOf(diskSpaceCheck('/no/such/path/here'));
    expect(entry.status).toBe('fail');
    expect(entry.output).toContain('cannot read free space of /no/such/path/here');
  });

  it.each([[-1], ['ten'], ['150%'], [Number.NaN], [{}]])(
    'throws ConfigurationError for minFree %s',
    (minFree) => {
      expect(() => diskSpaceCheck('/', { minFree: minFree as never })).toThrow(ConfigurationError);
    },
  );
});

describe('memoryCheck', () => {
  const limits = { maxRss: 1000, maxHeapRatio: 0.5 };
  it('passes below 90 % of every limit and reports the heap share in percent', () => {
    expect(evaluateMemory({ rss: 800, heapUsed: 40, heapLimit: 100 }, limits)).toMatchObject({
      status: 'pass',
      observedValue: 40,
    });
  });
  it('warns within 10 % of a limit and fails above it', () => {
    expect(evaluateMemory({ rss: 950, heapUsed: 10, heapLimit: 100 }, limits).status).toBe('warn');
    expect(evaluateMemory({ rss: 10, heapUsed: 46, heapLimit: 100 }, limits).status).toBe('warn');
    expect(evaluateMemory({ rss: 1001, heapUsed: 10, heapLimit: 100 }, limits).status).toBe('fail');
    const heap = evaluateMemory(
      { rss: 10, heapUsed: 51, heapLimit: 100 },
      { maxRss: undefined, maxHeapRatio: 0.5 },
    );
    expect(heap.status).toBe('fail');
    expect(heap.suggestion).toContain('heap snapshot');
    expect(evaluateMemory({ rss: 10, heapUsed: 0, heapLimit: 0 }, limits).observedValue).toBe(0);
  });
  it('reads the real process memory', async () => {
    const entry = await entryOf(memoryCheck({ maxRss: '64TiB' }));
    expect(entry).toMatchObject({ componentId: 'memory', status: 'pass', observedUnit: 'percent' });
    expect(entry.output).toMatch(/^heap .*% of its .* limit, rss /);
    expect((await entryOf(memoryCheck({ maxRss: 1 }))).status).toBe('fail');
  });
  it.each([[{ maxRss: '10%' }], [{ maxRss: -1 }], [{ maxHeapRatio: 0 }], [{ maxHeapRatio: 1.5 }]])(
    'throws ConfigurationError for %o',
    (options) => {
      expect(() => memoryCheck(options as never)).toThrow(ConfigurationError);
    },
  );
});

describe('eventLoopLagCheck', () => {
  it('judges the p99 delay against warn and max', () => {
    expect(evaluateLag(10, 100, 200)).toEqual({
      status: 'pass',
      observedValue: 10,
      output: 'p99 event-loop delay 10 ms',
    });
    expect(evaluateLag(150.26, 100, 200)).toMatchObject({ status: 'warn', observedValue: 150.3 });
    expect(evaluateLag(201, 100, 200).status).toBe('fail');
  });

  it('measures the real event loop and stops its monitor on close', async () => {
    const entry = await entryOf(eventLoopLagCheck({ max: '10s', resolution: 10 }));
    expect(entry).toMatchObject({ componentId: 'event-loop', status: 'pass', observedUnit: 'ms' });
    expect(entry.output).toMatch(/^p99 event-loop delay [\d.]+ ms$/);
  });

  it('judges samples once the monitor has some', async () => {
    const check = eventLoopLagCheck({ max: '10s', warn: '5s', resolution: 1 });
    await new Promise((resolve) => setTimeout(resolve, 15));
    const result = (await check.run(new AbortController().signal)) as { status: string };
    expect(result.status).toBe('pass');
    await check.close?.();
  });

  it.each([[{ max: -1 }], [{ max: '1s', warn: '2s' }], [{ resolution: 0 }]])(
    'throws ConfigurationError for %o',
    (options) => {
      expect(() => eventLoopLagCheck(options as never)).toThrow(ConfigurationError);
    },
  );
});

describe('pingCheck', () => {
  it('passes when the function resolves and reports its latency', async () => {
    const clock = new ManualClock();
    const health = createHealth({
      clock,
      checks: [pingCheck('postgres', () => clock.sleep(7), { clock, critical: false })],
    });
    const pending = health.check();
    await clock.advance(7);
    expect((await pending).checks['postgres:responseTime']?.[0]).toMatchObject({
      status: 'pass',
      observedValue: 7,
      observedUnit: 'ms',
      critical: false,
    });
  });

  it('fails when the function rejects or answers false, and passes the signal', async () => {
    let signal: AbortSignal | undefined;
    const rejected = await entryOf(
      pingCheck('db', (s) => {
        signal = s;
        return Promise.reject(new Error('connection refused'));
      }),
    );
    expect(rejected).toMatchObject({ status: 'fail', output: 'connection refused' });
    expect(signal).toBeInstanceOf(AbortSignal);
    expect((await entryOf(pingCheck('db', async () => false))).output).toBe('the ping answered false');
  });

  it('throws ConfigurationError when fn is not a function', () => {
    expect(() => pingCheck('db', 'SELECT 1' as never)).toThrow(ConfigurationError);
  });
});

describe('built-in check settings', () => {
  it('carries name, critical, kinds, timeout, interval and cacheFor onto the check', () => {
    const settings = {
      name: 'scratch',
      critical: false,
      kinds: ['liveness'] as const,
      timeout: '1s',
      interval: '10s',
      cacheFor: '5s',
    };
    expect(diskSpaceCheck('/', settings)).toMatchObject({ ...settings, kinds: ['liveness'] });
  });
});
