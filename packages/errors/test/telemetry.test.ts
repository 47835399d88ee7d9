import { getTracer } from '@ballast/core';
import { ManualClock } from '@ballast/core/testing';
import { telemetryCapture } from '@ballast/test-utils/telemetry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthorizationError, createErrorReporter, InternalError, NotFoundError } from '../src/index.js';

const otel = telemetryCapture();
beforeAll(otel.install);
afterAll(otel.uninstall);
const points = (name: string) => otel.points('@ballast/errors', name);

describe('telemetry', () => {
  it('counts reports by code, category and severity, and what the rate limit held back', async () => {
    const reporter = createErrorReporter({
      sink: () => {},
      clock: new ManualClock(),
      dedupeWindow: 0,
      rateLimit: { max: 1, per: '1m' },
    });
    reporter.silence('PERMISSION_DENIED', Number.MAX_SAFE_INTEGER);
    reporter.report(new AuthorizationError());
    reporter.report(new InternalError('a'));
    reporter.report(new InternalError('a'));
    reporter.report(new NotFoundError('b'), { severity: 'warning' });
    expect(await points('ballast.errors.reported')).toEqual(
      expect.arrayContaining([
        {
          attributes: {
            'error.type': 'INTERNAL_ERROR',
            'ballast.errors.category': 'internal',
            'ballast.errors.severity': 'error',
          },
          value: 2,
        },
        {
          attributes: {
            'error.type': 'NOT_FOUND',
            'ballast.errors.category': 'not_found',
            'ballast.errors.severity': 'warning',
          },
          value: 1,
        },
      ]),
    );
    const reported = await points('ballast.errors.reported');
    expect(reported.some((p) => p.attributes['error.type'] === 'PERMISSION_DENIED')).toBe(false);
    expect(await points('ballast.errors.suppressed')).toEqual(
      expect.arrayContaining([
        { attributes: { 'error.type': 'INTERNAL_ERROR' }, value: 1 },
        { attributes: { 'error.type': 'NOT_FOUND' }, value: 1 },
      ]),
    );
    await reporter.close();
  });

  it('adds an exception event with error.type to the active span, redacted, never the raw secret', async () => {
    otel.spans.reset();
    const reporter = createErrorReporter({ sink: () => {}, clock: new ManualClock() });
    const secret = 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl';
    await getTracer('demo').startActiveSpan('request', async (span) => {
      reporter.report(new InternalError(`upstream refused ${secret}`));
      span.end();
    });
    reporter.report(new InternalError('outside any span')); // no active span: nothing to record
    const [span] = otel.spans.getFinishedSpans();
    const event = span?.events.find((e) => e.name === 'exception');
    expect(event?.attributes).toMatchObject({
      'exception.type': 'InternalError',
      'error.type': 'INTERNAL_ERROR',
      'ballast.errors.category': 'internal',
      'ballast.errors.severity': 'error',
    });
    expect(String(event?.attributes?.['exception.message'])).toContain('[REDACTED]');
    expect(JSON.stringify(span?.events)).not.toContain('c2lnbmF0dXJl');
    expect(otel.spans.getFinishedSpans()).toHaveLength(1);
    await reporter.close();
  });
});
