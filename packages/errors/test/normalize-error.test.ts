import { connect, createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  BALLAST_ERROR_BRAND,
  CancelledError,
  ConfigurationError,
  InternalError,
  isValidErrorCode,
  NetworkError,
  NotFoundError,
  normalizeError,
  RateLimitedError,
  serializeError,
  TimeoutError,
  toProblemDetails,
  UnavailableError,
  ValidationError,
} from '../src/index.js';

function systemError(code: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:6379`), { code, errno: -111, ...extra });
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

class ReplyError extends Error {
  override name = 'ReplyError';
}

describe('normalizeError', () => {
  it('returns a Ballast error as it is', () => {
    const err = new NotFoundError('gone');
    expect(normalizeError(err)).toBe(err);
  });

  it('wraps a string, keeping it as the cause', () => {
    const err = normalizeError('disk full');
    expect(err).toBeInstanceOf(InternalError);
    expect(err.message).toBe('disk full');
    expect(err.cause).toBe('disk full');
    expect(normalizeError('').message).toBe('An empty string was thrown');
  });

  it('wraps primitives, null and undefined', () => {
    expect(normalizeError(undefined).message).toBe('A non-error value was thrown: undefined');
    expect(normalizeError(null).message).toBe('A non-error value was thrown: null');
    expect(normalizeError(42).message).toBe('A non-error value was thrown: 42');
    expect(normalizeError(Symbol('s')).message).toBe('A non-error value was thrown: Symbol(s)');
    expect(normalizeError(10n).message).toBe('A non-error value was thrown: 10');
  });

  it('wraps plain objects, using their message or a preview', () => {
    expect(normalizeError({ message: 'nope' }).message).toBe('nope');
    const err = normalizeError({ a: 1 });
    expect(err.message).toBe('A non-error object was thrown: {"a":1}');
    expect(err.cause).toEqual({ a: 1 });
    expect(normalizeError({ long: 'x'.repeat(500) }).message.endsWith('…')).toBe(true);
  });

  it('redacts the preview before cutting it, so no part of a secret at the cut shows', () => {
    // The token straddles character 200 of the JSON preview.
    const token = `ghp_${'A'.repeat(30)}${'0'.repeat(6)}`;
    const value = { note: 'x'.repeat(170), auth: `key ${token}`, db: { password: 'hunter2hunter2' } };
    const message = normalizeError(value).message;
    expect(message).not.toContain('AAAAAAAA');
    expect(message).not.toContain('hunter2');
    expect(normalizeError({ url: 'postgres://app:s3cr3t@db/x' }).message).not.toContain('s3cr3t');
  });

  it('shows no preview of a value the redactor cannot read', () => {
    const hostile = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('no keys');
        },
      },
    );
    expect(normalizeError(hostile).message).toMatch(/^A non-error object was thrown: /);
  });

  it('turns a plain Error (a bug) into an InternalError with the original as cause', () => {
    const original = new TypeError("Cannot read properties of undefined (reading 'id')");
    const err = normalizeError(original);
    expect(err).toBeInstanceOf(InternalError);
    expect(err.message).toBe(original.message);
    expect(err.cause).toBe(original);
  });

  it('maps DOMException AbortError to CancelledError and TimeoutError to TimeoutError', () => {
    const aborted = AbortSignal.abort().reason;
    expect(normalizeError(aborted)).toBeInstanceOf(CancelledError);
    expect(normalizeError(aborted).cause).toBe(aborted);
    const timedOut = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    expect(normalizeError(timedOut)).toBeInstanceOf(TimeoutError);
    expect(normalizeError(Object.assign(new Error('aborted'), { code: 'ABORT_ERR' }))).toBeInstanceOf(
      CancelledError,
    );
  });

  it.each([
    ['ECONNREFUSED', NetworkError],
    ['ECONNRESET', NetworkError],
    ['ENOTFOUND', NetworkError],
    ['EAI_AGAIN', NetworkError],
    ['EPIPE', NetworkError],
    ['ETIMEDOUT', TimeoutError],
    ['UND_ERR_CONNECT_TIMEOUT', TimeoutError],
  ])('maps the system error %s with address and port in details', (code, Class) => {
    const original = systemError(code, { syscall: 'connect', address: '127.0.0.1', port: 6379 });
    const err = normalizeError(original);
    expect(err).toBeInstanceOf(Class);
    expect(err.retryable).toBe(true);
    expect(err.cause).toBe(original);
    expect(err.details).toEqual({ code, syscall: 'connect', address: '127.0.0.1', port: 6379 });
    expect(err.suggestions.join(' ')).toContain('127.0.0.1:6379');
  });

  it('names the host of a DNS failure in its suggestion', () => {
    const err = normalizeError(systemError('ENOTFOUND', { hostname: 'db.internal', syscall: 'getaddrinfo' }));
    expect(err.suggestions[0]).toContain('"db.internal"');
    expect(normalizeError(systemError('ENETDOWN')).suggestions[0]).toContain('network is down');
  });

  it('maps a real refused connection', async () => {
    const port = await closedPort();
    const original = await new Promise<Error>((resolve) => {
      connect(port, '127.0.0.1').on('error', resolve);
    });
    const err = normalizeError(original);
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.details).toMatchObject({ code: 'ECONNREFUSED', port });
  });

  it('maps a real fetch failure by its cause', async () => {
    const port = await closedPort();
    const original = await fetch(`http://127.0.0.1:${port}/`).catch((e: unknown) => e);
    const err = normalizeError(original);
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.message).toMatch(/^fetch failed: .*ECONNREFUSED/);
    expect(err.cause).toBe(original);
    expect(err.details).toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('maps fetch failures with a timeout cause, an unknown cause, or none', () => {
    const timeout = new TypeError('fetch failed', { cause: systemError('UND_ERR_HEADERS_TIMEOUT') });
    expect(normalizeError(timeout)).toBeInstanceOf(TimeoutError);
    const odd = normalizeError(new TypeError('fetch failed', { cause: new Error('weird') }));
    expect(odd).toBeInstanceOf(NetworkError);
    expect(odd.message).toBe('fetch failed: weird');
    expect(normalizeError(new TypeError('fetch failed')).message).toBe('fetch failed');
  });

  it('maps ioredis connection, timeout and server errors', () => {
    const maxRetries = Object.assign(new Error('Reached the max retries per request limit'), {
      name: 'MaxRetriesPerRequestError',
    });
    expect(normalizeError(maxRetries)).toBeInstanceOf(UnavailableError);
    expect(normalizeError(new Error('Connection is closed.'))).toBeInstanceOf(NetworkError);
    expect(
      normalizeError(new Error("Stream isn't writeable and enableOfflineQueue options is false")),
    ).toBeInstanceOf(NetworkError);
    expect(normalizeError(new Error('Command timed out'))).toBeInstanceOf(TimeoutError);
    expect(normalizeError(new ReplyError('LOADING Redis is loading the dataset in memory'))).toBeInstanceOf(
      UnavailableError,
    );
    expect(normalizeError(new ReplyError('READONLY You can not write'))).toBeInstanceOf(UnavailableError);
    expect(normalizeError(new ReplyError('WRONGPASS invalid username-password pair'))).toBeInstanceOf(
      ConfigurationError,
    );
    expect(normalizeError(new ReplyError('ERR unknown command'))).toBeInstanceOf(InternalError);
  });

  it('maps an AggregateError by its members when they agree, else to InternalError', () => {
    const same = new AggregateError([systemError('ECONNREFUSED'), systemError('ECONNREFUSED')], 'all failed');
    const err = normalizeError(same);
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.message).toContain('all failed: ');
    expect(err.cause).toBe(same);
    const mixed = normalizeError(new AggregateError([systemError('ECONNREFUSED'), new Error('bug')]));
    expect(mixed).toBeInstanceOf(InternalError);
    expect(mixed.message).toContain('Several errors occurred');
    expect(normalizeError(new AggregateError([], 'none'))).toBeInstanceOf(InternalError);
  });

  it("maps Node's happy-eyeballs AggregateError by its code", () => {
    const agg = Object.assign(new AggregateError([systemError('ECONNREFUSED')]), { code: 'ECONNREFUSED' });
    expect(normalizeError(agg)).toBeInstanceOf(NetworkError);
  });

  it('maps errors carrying an HTTP status (http-errors, got, axios)', () => {
    expect(normalizeError(Object.assign(new Error('nope'), { status: 404 }))).toBeInstanceOf(NotFoundError);
    expect(normalizeError(Object.assign(new Error('slow'), { statusCode: 429 }))).toBeInstanceOf(
      RateLimitedError,
    );
    const axios = Object.assign(new Error('Request failed with status code 422'), {
      response: { status: 422 },
    });
    const err = normalizeError(axios);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.status).toBe(422);
    expect(normalizeError({ status: 503, message: 'down' })).toBeInstanceOf(UnavailableError);
    expect(normalizeError(Object.assign(new Error('x'), { response: 'text' }))).toBeInstanceOf(InternalError);
  });

  it('rebuilds a serialized Ballast error that crossed a process boundary', () => {
    const original = new RateLimitedError('slow down', {
      retryAfterMs: 1000,
      suggestions: ['Wait'],
      details: { limit: 5 },
      docsUrl: 'https://x',
    });
    const rebuilt = normalizeError(JSON.parse(JSON.stringify(serializeError(original))));
    expect(rebuilt).toMatchObject({
      code: 'RATE_LIMITED',
      category: 'rate_limited',
      status: 429,
      retryable: true,
      message: 'slow down',
      retryAfterMs: 1000,
      suggestions: ['Wait'],
      details: { limit: 5 },
      docsUrl: 'https://x',
    });
    const bare = normalizeError({ code: 'X_Y', category: 'conflict' });
    expect(bare).toMatchObject({ message: 'X_Y', status: 409 });
  });

  it('gives a rebuilt error with a status it cannot read 500, so its message stays internal', () => {
    for (const status of ['nope', '400', 200, 302, 600, 450.5, Number.NaN]) {
      const rebuilt = normalizeError({
        code: 'X_Y',
        category: 'validation',
        status,
        message: 'SECRET db=10.0.0.1',
      });
      expect(rebuilt.status).toBe(500);
      expect(JSON.stringify(toProblemDetails(rebuilt))).not.toContain('SECRET');
    }
    expect(normalizeError({ code: 'X_Y', category: 'validation', status: 422 }).status).toBe(422);
  });

  it('rebuilds a branded error whose status or code is malformed instead of passing it on', () => {
    const branded = (fields: Record<string, unknown>) =>
      Object.assign(new Error('SECRET upstream'), { [BALLAST_ERROR_BRAND]: true }, fields);
    const wellFormed = {
      code: 'X_Y',
      category: 'validation',
      status: 400,
      retryable: false,
      userMessage: 'Bad.',
      suggestions: [],
      details: {},
    };
    const stringStatus = normalizeError(branded({ ...wellFormed, status: '500' }));
    expect(stringStatus.status).toBe(500);
    expect(toProblemDetails(stringStatus).detail).toBe('Bad.');
    expect(normalizeError(branded({ ...wellFormed, status: 200 })).status).toBe(500);
    const odd = branded({ ...wellFormed, code: 'not a code' });
    const badCode = normalizeError(odd);
    expect(badCode).not.toBe(odd);
    expect(isValidErrorCode(badCode.code)).toBe(true);
    const fine = branded(wellFormed);
    expect(normalizeError(fine)).toBe(fine);
  });

  it('classifies error-shaped plain objects like errors', () => {
    expect(normalizeError({ name: 'AbortError', message: 'aborted' })).toBeInstanceOf(CancelledError);
    expect(normalizeError({ name: 'Error', message: 'x', code: 'ECONNRESET' })).toBeInstanceOf(NetworkError);
  });

  it('never throws, even for hostile values', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
        getPrototypeOf() {
          throw new Error('trap');
        },
      },
    );
    const err = normalizeError(hostile);
    expect(err).toBeInstanceOf(InternalError);
    const getter = Object.defineProperty(new Error('m'), 'code', {
      get() {
        throw new Error('no');
      },
    });
    expect(normalizeError(getter)).toBeInstanceOf(InternalError);
  });
});

describe('normalizeError on branded errors from other copies', () => {
  it('returns a well-formed one from another copy as it is', () => {
    const foreign = Object.assign(Object.create(Error.prototype), {
      [Symbol.for('ballast.error')]: true,
      name: 'ConfigurationError',
      message: 'Invalid option x',
      code: 'INVALID_CONFIGURATION',
      category: 'configuration',
      status: 500,
      retryable: false,
      userMessage: 'The service is misconfigured.',
      suggestions: ['Set x'],
      details: {},
    });
    expect(normalizeError(foreign)).toBe(foreign);
  });

  it('rebuilds a malformed one so that callers can rely on every field', () => {
    const malformed = Object.assign(new Error('old copy'), {
      [Symbol.for('ballast.error')]: true,
      code: 'OLD_ERROR',
      category: 'unavailable',
    });
    const err = normalizeError(malformed);
    expect(err).not.toBe(malformed);
    expect(err).toMatchObject({ code: 'OLD_ERROR', category: 'unavailable', status: 503, details: {} });
    expect(err.cause).toBe(malformed);
    const unknownCategory = Object.assign(new Error('future'), {
      [Symbol.for('ballast.error')]: true,
      code: 'FUTURE',
      category: 'quantum',
    });
    expect(normalizeError(unknownCategory)).toBeInstanceOf(InternalError);
  });
});
