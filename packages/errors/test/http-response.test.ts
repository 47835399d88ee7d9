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
      // A password holding `?`, `#`, `/` or `@` goes whole.
      ['https://svc:p4ss?w0rd@payments.internal/x', 'GET https://payments.internal/x'],
      ['https://svc:p4ss#w0rd@payments.internal/x', 'GET https://payments.internal/x'],
      ['https://svc:p4/ss@w0rd@payments.internal/x', 'GET https://payments.internal/x'],
      ['https://payments.internal/users/@me', 'GET https://payments.internal/users/@me'],
    ];
    for (const [url, shown] of cases) {
      const err = errorFromHttpResponse(503, {}, 'down', { method: 'GET', url });
      expect(err.message).toBe(`${shown} failed: HTTP 503 down`);
      for (const secret of ['p4ss', 'w0rd', 'sk_live', 'ya29', 'token=abc', 'pw@', 'xyz']) {
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
    expect(parsed.details).toEqual({ httpStatus: 409, problemTitle: 'Conflict' });
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

  it('keeps the title next to the detail, and extension members in details', () => {
    // The example of RFC 9457, section 3.
    const body = JSON.stringify({
      type: 'https://example.com/probs/out-of-credit',
      title: 'You do not have enough credit.',
      status: 403,
      detail: 'Your current balance is 30, but that costs 50.',
      instance: '/account/12345/msgs/abc',
      balance: 30,
      accounts: ['/account/12345', '/account/67890'],
    });
    const err = errorFromHttpResponse(403, { 'content-type': 'application/problem+json' }, body);
    expect(err.message).toBe('HTTP 403 Your current balance is 30, but that costs 50.');
    expect(err.details).toEqual({
      balance: 30,
      accounts: ['/account/12345', '/account/67890'],
      httpStatus: 403,
      problemType: 'https://example.com/probs/out-of-credit',
      problemTitle: 'You do not have enough credit.',
      instance: '/account/12345/msgs/abc',
    });
  });

  it('redacts and bounds what it keeps of a problem document', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJlX2hlcmU';
    const members = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`m${i}`, i]));
    const body = JSON.stringify({
      title: 'Bad',
      password: 'hunter2',
      note: `token ${jwt}`,
      details: { apiKey: 'sk_live_abc', id: 7 },
      huge: 'x'.repeat(5000),
      deep: { a: { b: { c: { d: { e: 1 } } } } },
      ...members,
    });
    const err = errorFromHttpResponse(400, { 'content-type': 'application/problem+json' }, body);
    const json = JSON.stringify(err.details);
    for (const secret of ['hunter2', jwt, 'sk_live_abc']) expect(json).not.toContain(secret);
    expect(err.details).toMatchObject({
      password: '[REDACTED]',
      id: 7,
      huge: '[Truncated]',
      httpStatus: 400,
    });
    expect(err.details.deep).toEqual({ a: { b: { c: '[Truncated]' } } });
    // 20 members at most, plus the ones this function adds.
    expect(Object.keys(err.details).filter((k) => !['httpStatus', 'problemTitle'].includes(k))).toHaveLength(
      20,
    );
    const proto = errorFromHttpResponse(
      400,
      { 'content-type': 'application/problem+json' },
      '{"title":"Bad","__proto__":{"polluted":true},"n":1}',
    );
    expect(proto.details).toEqual({ n: 1, httpStatus: 400, problemTitle: 'Bad' });
    expect(Object.getPrototypeOf(proto.details)).toBe(Object.prototype);
  });

  it('reads Uint8Array, Buffer and ArrayBuffer bodies as UTF-8', () => {
    const problem = JSON.stringify({
      title: 'Conflict',
      detail: 'Version 3 is stale — reload',
      code: 'STALE',
    });
    const bytes = new TextEncoder().encode(problem);
    const headers = { 'content-type': 'application/problem+json' };
    for (const body of [
      bytes,
      Buffer.from(problem),
      bytes.buffer,
      new Uint8Array([0, 0, ...bytes]).subarray(2),
    ]) {
      const err = errorFromHttpResponse(409, headers, body);
      expect(err).toMatchObject({ code: 'STALE', message: 'HTTP 409 Version 3 is stale — reload' });
    }
    const html = errorFromHttpResponse(
      502,
      { 'content-type': 'text/html' },
      Buffer.from('<h1>Bad gateway</h1>'),
    );
    expect(html.message).toBe('HTTP 502 <h1>Bad gateway</h1>');
    expect(html.details.body).toBe('<h1>Bad gateway</h1>');
    const plain = errorFromHttpResponse(
      503,
      { 'content-type': 'text/plain' },
      new TextEncoder().encode('down').buffer,
    );
    expect(plain.details).toEqual({ httpStatus: 503, body: 'down' });
  });

  it('decodes at most 64 KiB of a binary body', () => {
    const headers = { 'content-type': 'application/problem+json' };
    const problem = (size: number) => Buffer.from(JSON.stringify({ title: 'Big', pad: 'x'.repeat(size) }));
    expect(errorFromHttpResponse(500, headers, problem(60 * 1024)).details.problemTitle).toBe('Big');
    const tooBig = errorFromHttpResponse(500, headers, problem(70 * 1024));
    expect(tooBig.details.problemTitle).toBeUndefined();
    expect(tooBig.details.body).toBe(`${'{"title":"Big","pad":"'}${'x'.repeat(490)}…`);
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
