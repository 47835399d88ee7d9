import { telemetryCapture } from '@ballast/test-utils/telemetry';
import { SpanStatusCode } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getMeter, getTracer, withSpan } from '../src/telemetry.js';

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
