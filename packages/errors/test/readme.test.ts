import { ManualClock } from '@ballast/core/testing';
import { describe, expect, it } from 'vitest';
import {
  createErrorReporter,
  defineError,
  type ErrorReport,
  errorFromHttpResponse,
  normalizeError,
  serializeError,
  TimeoutError,
  toProblemDetails,
  toUserMessage,
} from '../src/index.js';

const UserNotFound = defineError('README_USER_NOT_FOUND', {
  category: 'not_found',
  message: (d: { id: string }) => `User ${d.id} does not exist`,
  suggestions: ['Check the user id, or list users with `app users list`'],
});

const refused = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), {
    code: 'ECONNREFUSED',
    syscall: 'connect',
    address: '127.0.0.1',
    port: 6379,
  });

describe('README examples', () => {
  it('prints the quick-start output', () => {
    const err = new UserNotFound({ id: '42' });
    expect([err.status, err.retryable]).toEqual([404, false]);
    expect(JSON.stringify(toProblemDetails(err, { instance: 'req-7' }))).toBe(
      '{"type":"about:blank","title":"Not Found","status":404,"detail":"User 42 does not exist","instance":"req-7",' +
        '"code":"README_USER_NOT_FOUND","details":{"id":"42"},"suggestions":["Check the user id, or list users with `app users list`"]}',
    );
    expect(toUserMessage(err)).toBe(
      'What you asked for was not found. (User 42 does not exist)\nTry:\n  - Check the user id, or list users with `app users list`.',
    );
  });

  it('answers a Redis outage with the documented problem document', () => {
    expect(JSON.stringify(toProblemDetails(refused(), { instance: 'req-8' }))).toBe(
      '{"type":"about:blank","title":"Bad Gateway","status":502,"detail":"A service we depend on could not be reached; please try again.","instance":"req-8","code":"NETWORK_ERROR"}',
    );
  });

  it('prints the documented CLI output', () => {
    expect(toUserMessage(refused())).toBe(
      [
        'A service we depend on could not be reached; please try again. (connect ECONNREFUSED 127.0.0.1:6379)',
        'Try:',
        '  - Check that the service at 127.0.0.1:6379 is running and accepts connections.',
        '  - Retry in a moment; the failure may be transient.',
      ].join('\n'),
    );
    expect(normalizeError(refused()).retryable).toBe(true);
  });

  it("prints a timeout's default suggestion", () => {
    expect(toUserMessage(new TimeoutError())).toBe(
      [
        'The operation took too long; please try again. (The operation timed out)',
        'Try:',
        '  - Retry in a moment; if it keeps timing out, check the load on the service or raise the time limit.',
      ].join('\n'),
    );
  });

  it('logs errors redacted by default, and as they are with redact: false', () => {
    const error = new Error('login to https://ada:hunter2@db.internal failed', {
      cause: Object.assign(new Error('rejected'), { token: 'abc123' }),
    });
    const redacted = JSON.stringify(serializeError(error));
    expect(redacted).not.toContain('hunter2');
    expect(redacted).not.toContain('abc123');
    expect(redacted).toContain('[REDACTED]');
    const raw = JSON.stringify(serializeError(error, { redact: false }));
    expect(raw).toContain('hunter2');
    expect(raw).toContain('abc123');
  });

  it('reads Retry-After: 30 as retryAfterMs 30000', () => {
    const err = errorFromHttpResponse(429, new Headers({ 'retry-after': '30' }), '');
    expect(err.retryAfterMs).toBe(30_000);
    expect(toUserMessage(err, { showMessage: false })).toContain('Wait 30s before trying again.');
  });

  it('folds five errors into the two documented reports', async () => {
    const clock = new ManualClock();
    const reports: ErrorReport[] = [];
    const reporter = createErrorReporter({ sink: (r) => void reports.push(r), clock, dedupeWindow: '1m' });
    for (let i = 0; i < 5; i++)
      reporter.report(new UserNotFound({ id: String(i) }), { context: { token: 'abc' } });
    await clock.advance(60_000);
    expect(reports.map(({ kind, count, message, context }) => ({ kind, count, message, context }))).toEqual([
      {
        kind: 'occurrence',
        count: 1,
        message: 'README_USER_NOT_FOUND: User 0 does not exist',
        context: { token: '[REDACTED]' },
      },
      {
        kind: 'summary',
        count: 4,
        message: 'README_USER_NOT_FOUND repeated 4 times in 1m: User 4 does not exist',
        context: { token: '[REDACTED]' },
      },
    ]);
  });
});
