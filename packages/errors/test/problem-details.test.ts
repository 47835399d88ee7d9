import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BALLAST_ERROR_BRAND,
  BallastError,
  defineError,
  InternalError,
  NotFoundError,
  RateLimitedError,
  toProblemDetails,
  ValidationError,
} from '../src/index.js';

describe('toProblemDetails', () => {
  it('exposes message, code, details and suggestions of a 4xx error', () => {
    const err = new ValidationError('email is not an email address', {
      details: { field: 'email' },
      suggestions: ['Use name@example.com'],
    });
    expect(toProblemDetails(err, { instance: 'req-7' })).toEqual({
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail: 'email is not an email address',
      instance: 'req-7',
      code: 'VALIDATION_FAILED',
      details: { field: 'email' },
      suggestions: ['Use name@example.com'],
    });
  });

  it('redacts an instance a recipe took from req.url, for a 4xx and a 5xx alike', () => {
    const url = '/callback;jsessionid=abc123?code=1&access_token=ya29.s3cr3t&sig=xyz789';
    for (const err of [new ValidationError('bad'), new InternalError('boom')]) {
      const { instance } = toProblemDetails(err, { instance: url });
      expect(instance).toBe('/callback;jsessionid=[REDACTED]?code=1&access_token=[REDACTED]&sig=[REDACTED]');
    }
    expect(toProblemDetails(new ValidationError('bad'), { instance: url, redact: false }).instance).toBe(url);
    // A redactor that fails leaves the instance out.
    const failing = () => {
      throw new Error('redactor down');
    };
    expect(
      toProblemDetails(new ValidationError('bad'), { instance: url, redact: failing }),
    ).not.toHaveProperty('instance');
  });

  it('shows only the safe user message and code of a 5xx error', () => {
    const err = new InternalError('pg: relation "users" does not exist', {
      details: { query: 'select * from users' },
      suggestions: ['Run the migrations'],
      cause: new Error('socket'),
    });
    const problem = toProblemDetails(err);
    expect(problem).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      detail: 'Something went wrong on our side.',
      code: 'INTERNAL_ERROR',
    });
  });

  it('shows the internals of a 5xx error only when explicitly asked, redacted', () => {
    const err = new InternalError('db password hunter2 rejected', { cause: new Error('inner') });
    const redact = (value: unknown) => JSON.parse(JSON.stringify(value).replaceAll('hunter2', '***'));
    const problem = toProblemDetails(err, { exposeInternals: true, redact });
    expect(problem.internal).toMatchObject({
      message: 'db password *** rejected',
      cause: { message: 'inner' },
    });
    expect(typeof problem.internal?.stack).toBe('string');
    const plain = toProblemDetails(new InternalError('x'), { exposeInternals: true });
    expect(plain.internal).toMatchObject({ message: 'x' });
    expect(plain.internal).not.toHaveProperty('cause');
  });

  it('normalizes foreign errors first, so a bug never leaks', () => {
    const problem = toProblemDetails(new TypeError('Cannot read properties of undefined'));
    expect(JSON.stringify(problem)).not.toContain('Cannot read');
    expect(problem.status).toBe(500);
  });

  it('uses docsUrl or typeBaseUrl for type, and a phrase or category title for title', () => {
    const Gone = defineError('PROBLEM_DOC_TEST', {
      category: 'not_found',
      status: 410,
      message: () => 'gone',
      docsUrl: 'https://docs.example.com/gone',
    });
    expect(toProblemDetails(new Gone())).toMatchObject({
      type: 'https://docs.example.com/gone',
      title: 'Gone',
    });
    expect(toProblemDetails(new NotFoundError('x'), { typeBaseUrl: 'https://e.example.com/' }).type).toBe(
      'https://e.example.com/not-found',
    );
    const odd = new BallastError('teapot', { code: 'TEAPOT', category: 'validation', status: 418 });
    expect(toProblemDetails(odd).title).toBe('Bad Request');
  });

  it('answers 500 with the user message for an error whose status is not an error status, whatever its form', () => {
    // Errors from another copy of the package, or mutated after construction: the brand is
    // there, the status is not a number from 400 to 599.
    const statuses = fc.oneof(
      fc.constantFrom<unknown>('500', '400', 200, 302, 600, 99, 450.5, Number.NaN, null),
      fc.integer().filter((n) => n < 400 || n > 599),
      fc.string(),
    );
    const categories = fc.constantFrom('validation', 'not_found', 'conflict', 'internal', 'network');
    fc.assert(
      fc.property(statuses, categories, (status, category) => {
        const foreign = Object.assign(new Error('SECRET internal message'), {
          [BALLAST_ERROR_BRAND]: true,
          code: 'FOREIGN_ERROR',
          category,
          status,
          retryable: false,
          userMessage: 'Safe.',
          suggestions: ['SECRET suggestion'],
          details: { secret: 'SECRET detail' },
        });
        const problem = toProblemDetails(foreign);
        expect(problem.status).toBe(500);
        expect(JSON.stringify(problem)).not.toContain('SECRET');
      }),
    );
  });

  it('carries retryAfterMs and redacts 4xx details', () => {
    const err = new RateLimitedError('slow down', { retryAfterMs: 1500, details: { token: 'abc', n: 10n } });
    const redact = (v: unknown) => ({ ...(v as object), token: '[REDACTED]' });
    expect(toProblemDetails(err, { redact })).toMatchObject({
      retryAfterMs: 1500,
      details: { token: '[REDACTED]', n: '10n' },
    });
  });

  it('never contains the internal message of any 5xx error', () => {
    const status = fc.integer({ min: 500, max: 599 });
    const category = fc.constantFrom(
      'internal',
      'configuration',
      'unavailable',
      'network',
      'timeout' as const,
    );
    const secret = fc.uuid().map((id) => `SECRET-${id}`);
    fc.assert(
      fc.property(status, category, secret, fc.boolean(), (code, cat, message, withCause) => {
        const err = new BallastError(`boom ${message}`, {
          code: 'SOME_FAILURE',
          category: cat,
          status: code,
          details: { message },
          suggestions: [`Look at ${message}`],
          ...(withCause ? { cause: new Error(message) } : {}),
        });
        const json = JSON.stringify(toProblemDetails(err, { instance: 'req' }));
        expect(json).not.toContain(message);
        expect(json).not.toContain('stack');
      }),
    );
  });

  it('redacts the detail and suggestions a 4xx client sees, unless redact is false', () => {
    const err = new ValidationError('Bad header Bearer abcdefghijklmnop12345 from https://u:hunter2@h/x', {
      suggestions: ['Send Bearer abcdefghijklmnop12345 again'],
    });
    const json = JSON.stringify(toProblemDetails(err));
    expect(json).not.toContain('abcdefghijklmnop12345');
    expect(json).not.toContain('hunter2');
    expect(toProblemDetails(err).detail).toBe('Bad header Bearer [REDACTED] from https://u:[REDACTED]@h/x');
    expect(JSON.stringify(toProblemDetails(err, { redact: false }))).toContain('hunter2');
  });

  it('fails closed when the redaction options are invalid: user message, no details or suggestions', () => {
    const err = new ValidationError('token abc in the body', { details: { a: 1 }, suggestions: ['x'] });
    const problem = toProblemDetails(err, { redact: { paths: ['a..b'] } });
    expect(problem.detail).toBe(err.userMessage);
    expect(problem).not.toHaveProperty('details');
    expect(problem).not.toHaveProperty('suggestions');
  });

  it('fails closed when the redactor throws while it runs', () => {
    const err = new ValidationError('token abc', { details: { a: 1 }, suggestions: ['x'] });
    const problem = toProblemDetails(err, {
      redact: () => {
        throw new Error('redactor broke');
      },
    });
    expect(problem.detail).toBe(err.userMessage);
    expect(problem).not.toHaveProperty('details');
    expect(problem).not.toHaveProperty('suggestions');
  });
});
