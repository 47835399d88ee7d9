import { EventEmitter, once } from 'node:events';
import { createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getTracer } from '@ballast/core';
import { ManualClock } from '@ballast/core/testing';
import { telemetryCapture } from '@ballast/test-utils/telemetry';
import { SpanStatusCode } from '@opentelemetry/api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHealth, gracefulShutdown } from '../src/index.js';

const otel = telemetryCapture();
beforeAll(otel.install);
afterAll(otel.uninstall);
beforeEach(() => otel.spans.reset());

describe('telemetry', () => {
  it('records each run in ballast.health.check.duration, in seconds, by check and status', async () => {
    const health = createHealth({
      checks: [
        { name: 'db', run: () => true },
        { name: 'queue', critical: false, run: () => false },
      ],
    });
    await health.check();
    await health.check();
    const metric = (await otel.metrics('@ballast/health')).get('ballast.health.check.duration');
    expect(metric?.unit).toBe('s');
    const points = (metric?.points ?? []).map((p) => ({
      attributes: p.attributes,
      count: (p.value as { count: number }).count,
    }));
    expect(points).toEqual(
      expect.arrayContaining([
        { attributes: { 'ballast.health.check': 'db', 'ballast.health.status': 'pass' }, count: 2 },
        { attributes: { 'ballast.health.check': 'queue', 'ballast.health.status': 'fail' }, count: 2 },
      ]),
    );
  });

  it('records a span per check run, active around the check, failed when the check fails', async () => {
    const health = createHealth({
      checks: [
        {
          name: 'redis',
          run: async () => {
            getTracer('demo').startSpan('PING').end();
            return true;
          },
        },
        { name: 'disk', critical: false, run: () => ({ status: 'fail', output: 'disk full' }) },
      ],
    });
    await health.check();
    const spans = otel.spans.getFinishedSpans();
    const redis = spans.find((s) => s.attributes['ballast.health.check'] === 'redis');
    const disk = spans.find((s) => s.attributes['ballast.health.check'] === 'disk');
    const ping = spans.find((s) => s.name === 'PING');
    expect(redis?.name).toBe('health.check');
    expect(redis?.attributes['ballast.health.status']).toBe('pass');
    expect(ping?.parentSpanContext?.spanId).toBe(redis?.spanContext().spanId);
    expect(disk?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'disk full' });
  });

  it('records a span per shutdown phase and per hook, failed when a hook fails', async () => {
    const server = createServer((_req, res) => res.end());
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const clock = new ManualClock();
    const exits: number[] = [];
    const controller = gracefulShutdown(server, {
      clock,
      preStopDelay: '1s',
      signalSource: new EventEmitter(),
      exit: (code) => exits.push(code),
      onShutdown: [
        { name: 'flush logs', run: () => undefined },
        {
          name: 'close cache',
          run: () => {
            throw new Error('cache stuck');
          },
        },
      ],
    });
    const done = controller.shutdown();
    await clock.advance(1_000);
    expect(await done).toBe(1);
    const phases = otel.spans
      .getFinishedSpans()
      .filter((s) => s.name === 'health.shutdown.phase')
      .map((s) => ({
        phase: s.attributes['ballast.health.shutdown.phase'],
        hook: s.attributes['ballast.health.shutdown.hook'],
        status: s.status.code,
      }));
    expect(phases).toEqual([
      { phase: 'pre_stop', hook: undefined, status: SpanStatusCode.UNSET },
      { phase: 'drain', hook: undefined, status: SpanStatusCode.UNSET },
      { phase: 'hook', hook: 'close cache', status: SpanStatusCode.ERROR },
      { phase: 'hook', hook: 'flush logs', status: SpanStatusCode.UNSET },
    ]);
    expect(exits).toEqual([1]);
  });

  it('marks the drain phase failed when requests outlive the drain timeout', async () => {
    const server = createServer(() => {}); // never answers
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const clock = new ManualClock();
    const controller = gracefulShutdown(server, {
      clock,
      drainTimeout: '1s',
      signalSource: new EventEmitter(),
      exit: () => {},
    });
    const { port } = server.address() as AddressInfo;
    get({ host: '127.0.0.1', port, path: '/hang' }).on('error', () => {});
    await once(server, 'request');
    const done = controller.shutdown();
    await clock.advance(1_000);
    expect(await done).toBe(1);
    const drain = otel.spans
      .getFinishedSpans()
      .find((s) => s.attributes['ballast.health.shutdown.phase'] === 'drain');
    expect(drain?.status).toEqual({
      code: SpanStatusCode.ERROR,
      message: 'in-flight requests outlived the drain timeout',
    });
  });
});
