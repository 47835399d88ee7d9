import { ManualClock } from '@ballast/core/testing';
import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  AuthorizationError,
  ConflictError,
  errorFromHttpResponse,
  InternalError,
  NetworkError,
  NotFoundError,
  parseRetryAfter,
  RateLimitedError,
  TimeoutError,
  UnavailableError,
  ValidationError,
} from '../src/index.js';

describe('errorFromHttpResponse', () => {
  it.each([
    [400, ValidationError],
    [401, AuthenticationError],
    [403, AuthorizationError],
    [404, NotFoundError],
    [408, TimeoutError],
    [409, ConflictError],
    [410, NotFoundError],
    [422, ValidationError],
    [429, RateLimitedError],
    [500, InternalError],
    [502, NetworkError],
    [503, UnavailableError],
    [504, TimeoutError],
  ])('maps status %i to its class and keeps the status', (status, Class) => {
    const err = errorFromHttpResponse(status, {}, '');
    expect(err).toBeInstanceOf(Class);
    expect(err.status).toBe(status);
    expect(err.details).toEqual({ httpStatus: status });
  });

  it('treats an invalid status as an internal error', () => {
    const err = errorFromHttpResponse(200, undefined, undefined);
    expect(err).toBeInstanceOf(InternalError);
    expect(err.status).toBe(500);
    expect(err.message).toBe('HTTP 200');
  });

  it('reads Retry-After in seconds from fetch Headers', () => {
    const err = errorFromHttpResponse(429, new Headers({ 'Retry-After': '30' }), '');
    expect(err.retryAfterMs).toBe(30_000);
    expect(err.retryable).toBe(true);
  });

  it('reads Retry-After as an HTTP date against the injected clock', () => {
    const clock = new ManualClock({ now: Date.parse('2026-01-01T00:00:00Z') });
    const headers = { 'retry-after': 'Thu, 01 Jan 2026 00:01:30 GMT' };
    expect(errorFromHttpResponse(503, headers, '', { clock }).retryAfterMs).toBe(90_000);
    const past = { 'Retry-After': ['Wed, 31 Dec 2025 00:00:00 GMT'] };
    expect(errorFromHttpResponse(503, past, '', { clock }).retryAfterMs).toBe(0);
  });

  it('ignores an unreadable Retry-After', () => {
    expect(errorFromHttpResponse(429, { 'retry-after': 'soon' }, '').retryAfterMs).toBeUndefined();
    expect(errorFromHttpResponse(429, { 'retry-after': '-1' }, '').retryAfterMs).toBeUndefined();
    expect(parseRetryAfter(undefined, 0)).toBeUndefined();
    expect(parseRetryAfter(null, 0)).toBeUndefined();
    expect(parseRetryAfter(' 2 ', 0)).toBe(2000);
  });

  it('parses an application/problem+json body: message, code, details, type and instance', () => {
    const body = JSON.stringify({
      type: 'https://errors.example.com/user-not-found',
      title: 'Not Found',
      status: 404,
      detail: 'User 42 does not exist',
      instance: 'req-1',
      code: 'USER_NOT_FOUND',
      details: { id: 42 },
    });
    const err = errorFromHttpResponse(404, { 'Content-Type': 'application/problem+json' }, body, {
      method: 'get',
      url: 'https://api.example.com/users/42',
    });
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err.name).toBe('NotFoundError');
    expect(err).toMatchObject({
      code: 'USER_NOT_FOUND',
      category: 'not_found',
      status: 404,
      message: 'GET https://api.example.com/users/42 failed: HTTP 404 User 42 does not exist',
      details: {
        id: 42,
        httpStatus: 404,
        problemType: 'https://errors.example.com/user-not-found',
        instance: 'req-1',
      },
    });
    expect(NotFoundError.is(err)).toBe(true);
  });

  it('keeps credentials and the query string of the URL out of the message', () => {
    const cases: [string, string][] = [
      [
        'https://svc:p4ssw0rd@payments.internal/x?api_key=sk_live_abc123#frag',
        'GET https://payments.internal/x',
      ],
      [
        'https://payments.internal/v1/users/1?access_token=ya29.SECRET',
        'GET https://payments.internal/v1/users/1',
      ],
      ['/relative/path?token=abc', 'GET /relative/path'],
      ['//user:pw@host/p?q=1', 'GET //host/p'],
      ['not a url ?sig=xyz', 'GET not a url'],
      ['https:\\\\u:p4ssw0rd@h\\x?sk_live=1', 'GET https://h\\x'],
    ];
    for (const [url, shown] of cases) {
      const err = errorFromHttpResponse(503, {}, 'down', { method: 'GET', url });
      expect(err.message).toBe(`${shown} failed: HTTP 503 down`);
      for (const secret of ['p4ssw0rd', 'sk_live', 'ya29', 'token=abc', 'pw@', 'xyz']) {
        expect(err.message).not.toContain(secret);
      }
    }
  });

  it('shows a URL object the same way', () => {
    const url = new URL('https://svc:p4ssw0rd@payments.internal/x?api_key=sk_live_abc123');
    expect(errorFromHttpResponse(500, {}, '', { method: 'POST', url }).message).toBe(
      'POST https://payments.internal/x failed: HTTP 500',
    );
  });

  it('accepts an already-parsed problem object and a JSON body with a title', () => {
    const parsed = errorFromHttpResponse(
      409,
      { 'content-type': 'application/problem+json' },
      {
        type: 'about:blank',
        title: 'Conflict',
        code: 'not a code',
        details: [1],
      },
    );
    expect(parsed).toBeInstanceOf(ConflictError);
    expect(parsed.message).toBe('HTTP 409 Conflict');
    expect(parsed.details).toEqual({ httpStatus: 409 });
    const json = errorFromHttpResponse(400, { 'content-type': 'application/json' }, '{"title":"Bad input"}');
    expect(json.message).toBe('HTTP 400 Bad input');
  });

  it('keeps a plain body, truncated, when it is not a problem document', () => {
    const err = errorFromHttpResponse(
      502,
      { 'content-type': 'text/html' },
      `<html>${'x'.repeat(1000)}</html>`,
    );
    expect(err.message.startsWith('HTTP 502 <html>')).toBe(true);
    expect((err.details.body as string).length).toBe(513);
    const broken = errorFromHttpResponse(500, { 'content-type': 'application/problem+json' }, '{oops');
    expect(broken.details.body).toBe('{oops');
    const notProblem = errorFromHttpResponse(500, { 'content-type': 'application/json' }, '{"ok":false}');
    expect(notProblem.message).toBe('HTTP 500 {"ok":false}');
  });

  it('survives hostile headers', () => {
    const headers = {
      get() {
        throw new Error('boom');
      },
    };
    expect(errorFromHttpResponse(503, headers, 'x')).toBeInstanceOf(UnavailableError);
  });
});
