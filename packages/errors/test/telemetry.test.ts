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
            'error.code': 'INTERNAL_ERROR',
            'error.category': 'internal',
            'error.severity': 'error',
          },
          value: 2,
        },
        {
          attributes: {
            'error.code': 'NOT_FOUND',
            'error.category': 'not_found',
            'error.severity': 'warning',
          },
          value: 1,
        },
      ]),
    );
    const reported = await points('ballast.errors.reported');
    expect(reported.some((p) => p.attributes['error.code'] === 'PERMISSION_DENIED')).toBe(false);
    expect(await points('ballast.errors.suppressed')).toEqual(
      expect.arrayContaining([
        { attributes: { 'error.code': 'INTERNAL_ERROR' }, value: 1 },
        { attributes: { 'error.code': 'NOT_FOUND' }, value: 1 },
      ]),
    );
    await reporter.close();
  });
});
