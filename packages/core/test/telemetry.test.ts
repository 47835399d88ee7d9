import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { telemetryCapture } from '@ballast/test-utils/telemetry';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelemetry, errorType, getMeter, getTracer, recordError, withSpan } from '../src/telemetry.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const otel = telemetryCapture();
beforeAll(otel.install);
afterAll(otel.uninstall);

describe('telemetry helpers', () => {
  it('names tracers and meters @ballast/<pkg>', async () => {
    await withSpan(getTracer('cache'), 'cache.get', { 'cache.name': 'main' }, async () => 1);
    const [span] = otel.spans.getFinishedSpans();
    expect(span?.instrumentationScope.name).toBe('@ballast/cache');
    // Run from source: the build stamps the real version (checked by scripts/check-packages.mjs).
    expect(span?.instrumentationScope.version).toBe('0.0.0-dev');
    expect(span?.attributes['cache.name']).toBe('main');

    getMeter('cache').createCounter('ballast.cache.requests').add(1, { 'cache.result': 'hit' });
    expect(await otel.points('@ballast/cache', 'ballast.cache.requests')).toEqual([
      { attributes: { 'cache.result': 'hit' }, value: 1 },
    ]);
  });

  it('records a thrown error on the span and rethrows it', async () => {
    otel.spans.reset();
    await expect(
      withSpan(getTracer('cache'), 'cache.redis.get', {}, async () => {
        throw new Error('redis down');
      }),
    ).rejects.toThrow('redis down');
    await expect(
      withSpan(getTracer('cache'), 'cache.redis.get', {}, async () => {
        throw 'plain';
      }),
    ).rejects.toBe('plain');
    const [first, second] = otel.spans.getFinishedSpans();
    expect(first?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'redis down' });
    expect(first?.events[0]?.name).toBe('exception');
    expect(second?.status.message).toBe('plain');
  });

  it('rejects names that are not bare package names', () => {
    expect(() => getTracer('@ballast/cache')).toThrow(/use the bare name/);
    expect(() => getMeter('')).toThrow(TypeError);
  });
});

const definitions = {
  package: 'demo',
  attributes: { 'demo.kind': 'What kind.', 'error.type': 'The failure.' },
  spans: [
    {
      name: 'demo.run',
      kind: 'internal',
      description: 'One run.',
      attributes: ['demo.kind'],
      events: ['demo.step'],
    },
  ],
  events: [{ name: 'demo.step', description: 'A step.', attributes: [] }],
  metrics: {
    runs: {
      name: 'ballast.demo.runs',
      kind: 'counter',
      unit: '{run}',
      description: 'Runs.',
      attributes: ['demo.kind'],
    },
    active: {
      name: 'ballast.demo.active',
      kind: 'updowncounter',
      unit: '{run}',
      description: 'Running now.',
      attributes: [],
    },
    duration: {
      name: 'ballast.demo.duration',
      kind: 'histogram',
      unit: 's',
      description: 'How long.',
      attributes: ['error.type'],
      buckets: [0.1, 1],
    },
    plain: { name: 'ballast.demo.plain', kind: 'histogram', unit: 's', description: 'x', attributes: [] },
    level: { name: 'ballast.demo.level', kind: 'gauge', unit: '1', description: 'Level.', attributes: [] },
    served: {
      name: 'ballast.demo.served',
      kind: 'observablecounter',
      unit: '{call}',
      description: 'Served.',
      attributes: [],
    },
  },
} as const;

describe('createTelemetry', () => {
  it('resolves nothing while no SDK is registered, and the SDK once it is', async () => {
    otel.uninstall();
    const demo = createTelemetry(definitions);
    expect(demo.tracer()).toBeUndefined();
    expect(demo.instruments()).toBeUndefined();
    otel.install();
    const instruments = demo.instruments();
    expect(instruments).toBeDefined();
    expect(demo.instruments()).toBe(instruments); // cached per provider
    instruments!.runs.add(2, { 'demo.kind': 'a' });
    instruments!.active.add(1);
    instruments!.duration.record(0.5);
    instruments!.plain.record(3);
    demo.tracer()?.startSpan('demo.run').end();
    expect(demo.tracer()).toBe(demo.tracer());
    const seen = await otel.metrics('@ballast/demo');
    expect(seen.get('ballast.demo.runs')).toEqual({
      unit: '{run}',
      points: [{ attributes: { 'demo.kind': 'a' }, value: 2 }],
    });
    expect(seen.get('ballast.demo.active')?.points[0]?.value).toBe(1);
    const histogram = seen.get('ballast.demo.duration')?.points[0]?.value as {
      buckets: { boundaries: number[] };
    };
    expect(histogram.buckets.boundaries).toEqual([0.1, 1]);
    expect(
      otel.spans.getFinishedSpans().some((span) => span.instrumentationScope.name === '@ballast/demo'),
    ).toBe(true);
  });

  it('reports observed objects into a gauge under each provider, without keeping them alive', async () => {
    const demo = createTelemetry(definitions);
    const a = { v: 1 };
    let b: { v: number } | undefined = { v: 2 };
    const ref = new WeakRef(b);
    demo.observe('level', a, (target, result) => result.observe(target.v, { which: 'a' }));
    demo.observe('level', b, (target, result) => result.observe(target.v, { which: 'b' }));
    a.v = 5;
    demo.instruments();
    const values = async () =>
      (await otel.points('@ballast/demo', 'ballast.demo.level')).map(
        (p) => `${p.attributes.which}=${p.value}`,
      );
    expect((await values()).sort()).toEqual(['a=5', 'b=2']);
    b = undefined;
    for (let i = 0; i < 20 && ref.deref() !== undefined; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      gc();
    }
    expect(ref.deref()).toBeUndefined();
    a.v = 6;
    // Cumulative export keeps b's last point; what matters is that a collection still runs.
    expect(await values()).toContain('a=6');
  });

  it('reports observed objects into an observable counter, a monotonic sum read at collection', async () => {
    const demo = createTelemetry(definitions);
    const served = { count: 3 };
    demo.observe('served', served, (target, result) => result.observe(target.count, { which: 'served' }));
    demo.instruments();
    const read = async () => (await otel.points('@ballast/demo', 'ballast.demo.served'))[0]?.value;
    expect(await read()).toBe(3);
    served.count = 7;
    expect(await read()).toBe(7);
    const seen = await otel.metrics('@ballast/demo');
    expect(seen.get('ballast.demo.served')?.unit).toBe('{call}');
  });

  it('refuses definitions that break the naming rules', () => {
    const metric = definitions.metrics.runs;
    expect(() =>
      createTelemetry({ ...definitions, metrics: { x: { ...metric, name: 'demo.runs' } } }),
    ).toThrow(/must be named ballast\.demo\.\*/);
    expect(() => createTelemetry({ ...definitions, metrics: { x: { ...metric, unit: '' } } })).toThrow(
      /have a unit/,
    );
    expect(() =>
      createTelemetry({ ...definitions, metrics: { x: { ...metric, attributes: ['nope'] } } }),
    ).toThrow(/undocumented attribute "nope"/);
    expect(() =>
      createTelemetry({ ...definitions, spans: [{ ...definitions.spans[0], events: ['demo.missing'] }] }),
    ).toThrow(/undefined event "demo.missing"/);
    expect(() => createTelemetry({ ...definitions, package: 'Bad' })).toThrow(/bare name/);
  });
});

describe('errorType and recordError', () => {
  it('prefers a string code, then the name, then _OTHER', () => {
    expect(errorType(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe('ECONNRESET');
    expect(errorType(new TypeError('x'))).toBe('TypeError');
    expect(errorType({ code: '', name: '' })).toBe('_OTHER');
    expect(errorType('plain')).toBe('_OTHER');
    expect(errorType(null)).toBe('_OTHER');
  });

  it('records the exception, error.type and status on a span, and withSpan takes a kind', async () => {
    otel.spans.reset();
    await withSpan(
      getTracer('demo'),
      'demo.client',
      {},
      async (span) => {
        recordError(span, Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }));
      },
      SpanKind.CLIENT,
    );
    const [span] = otel.spans.getFinishedSpans();
    expect(span?.kind).toBe(SpanKind.CLIENT);
    expect(span?.attributes['error.type']).toBe('ECONNREFUSED');
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'refused' });
    expect(span?.events.map((event) => event.name)).toEqual(['exception']);
  });
});
