import { describe, expect, it } from 'vitest';
import {
  BALLAST_ERROR_BRAND,
  BallastError,
  builtinFor,
  CATEGORIES,
  CancelledError,
  ConfigurationError,
  defineError,
  durationOption,
  type ErrorCategory,
  InternalError,
  integerOption,
  invalidOption,
  isBallastError,
  isErrorCategory,
  isValidErrorCode,
  NetworkError,
  NotFoundError,
  numberOption,
  RateLimitedError,
  registeredErrors,
  serializeError,
  sizeOption,
  TimeoutError,
  ValidationError,
} from '../src/index.js';
import { rejection } from './rejection.js';

describe('BallastError', () => {
  it('takes status, retryability and user message from its category unless given', () => {
    const err = new BallastError('boom', { code: 'BOOM', category: 'unavailable' });
    expect(err).toBeInstanceOf(Error);
    expect(err.status).toBe(503);
    expect(err.retryable).toBe(true);
    expect(err.userMessage).toBe(CATEGORIES.unavailable.userMessage);
    expect(err.suggestions).toEqual([]);
    expect(err.details).toEqual({});
    const custom = new BallastError('bad', {
      code: 'BAD',
      category: 'validation',
      status: 422,
      retryable: true,
      userMessage: 'Fix the form.',
      suggestions: ['Enter an email'],
      details: { field: 'email' },
      docsUrl: 'https://docs.example.com/bad',
      retryAfterMs: 10,
    });
    expect(custom).toMatchObject({ status: 422, retryable: true, userMessage: 'Fix the form.' });
    expect(Object.isFrozen(custom.suggestions)).toBe(true);
    expect(custom.docsUrl).toBe('https://docs.example.com/bad');
    expect(custom.retryAfterMs).toBe(10);
  });

  it('is recognised by brand across copies, not only by instanceof', () => {
    const foreign = Object.create(Error.prototype, { [BALLAST_ERROR_BRAND]: { value: true } });
    expect(isBallastError(foreign)).toBe(true);
    expect(isBallastError(new Error('x'))).toBe(false);
    expect(isBallastError(null)).toBe(false);
    expect(isBallastError('x')).toBe(false);
  });

  it('keeps message, stack and cause through JSON.stringify, exactly as serializeError does', () => {
    const err = new NotFoundError('User 4 not found', {
      cause: new Error('row missing'),
      details: { id: 4 },
    });
    const json = JSON.parse(JSON.stringify(err));
    expect(json).toMatchObject({
      name: 'NotFoundError',
      message: 'User 4 not found',
      code: 'NOT_FOUND',
      category: 'not_found',
      status: 404,
      details: { id: 4 },
      cause: { name: 'Error', message: 'row missing' },
    });
    expect(typeof json.stack).toBe('string');
    expect(json).toEqual(JSON.parse(JSON.stringify(serializeError(err))));
  });

  it('rejects an unknown category with a TypeError naming the valid ones', () => {
    const build = () => new BallastError('m', { code: 'X_Y', category: 'bogus' as ErrorCategory });
    expect(build).toThrow(TypeError);
    expect(build).toThrow(
      'Invalid category "bogus" for X_Y: use one of validation, authentication, authorization, not_found, ' +
        'conflict, rate_limited, cancelled, internal, configuration, network, unavailable, timeout.',
    );
    expect(() => new BallastError('m', { code: 'X_Y', category: 'toString' as ErrorCategory })).toThrow(
      /Invalid category "toString"/,
    );
  });

  it('rejects a code that is not SCREAMING_SNAKE, as defineError does', () => {
    for (const code of ['bad code', 'userNotFound', '', 42]) {
      expect(() => new BallastError('m', { code: code as string, category: 'internal' })).toThrow(
        /Invalid error code .*: use SCREAMING_SNAKE_CASE/,
      );
    }
  });

  it('rejects a status that is not a whole number from 400 to 599', () => {
    for (const status of ['500', 200, 302, 600, 99, 450.5, Number.NaN]) {
      expect(() => new ValidationError('x', { status: status as number })).toThrow(TypeError);
    }
    expect(() => new ValidationError('x', { status: '500' as never })).toThrow(
      'Invalid status "500" for VALIDATION_FAILED: use an HTTP error status, a whole number from 400 to 599.',
    );
    expect(new ValidationError('x', { status: 422 }).status).toBe(422);
    expect(new InternalError('x', { status: 599 }).status).toBe(599);
  });

  it('rejects a retryable that is not a boolean, and options that are not an object', () => {
    expect(() => new NetworkError('x', { retryable: 'no' as never })).toThrow(/Invalid retryable "no"/);
    expect(() => new BallastError('m', undefined as never)).toThrow(
      'BallastError options must be an object such as { code, category }, got undefined.',
    );
  });
});

describe('built-in errors', () => {
  const cases: [new () => BallastError, string, ErrorCategory, number][] = [
    [ValidationError, 'VALIDATION_FAILED', 'validation', 400],
    [NotFoundError, 'NOT_FOUND', 'not_found', 404],
    [RateLimitedError, 'RATE_LIMITED', 'rate_limited', 429],
    [CancelledError, 'CANCELLED', 'cancelled', 499],
    [InternalError, 'INTERNAL_ERROR', 'internal', 500],
    [ConfigurationError, 'INVALID_CONFIGURATION', 'configuration', 500],
    [NetworkError, 'NETWORK_ERROR', 'network', 502],
    [TimeoutError, 'TIMEOUT', 'timeout', 504],
  ];
  it.each(cases)('%o has a stable code, category and status', (Class, code, category, status) => {
    const err = new Class();
    expect(err.name).toBe(Class.name);
    expect(err).toMatchObject({ code, category, status });
    expect(err.message.length).toBeGreaterThan(0);
  });

  it('maps every category to its built-in class', () => {
    for (const category of Object.keys(CATEGORIES) as ErrorCategory[]) {
      expect(new (builtinFor(category))().category).toBe(category);
    }
  });

  it('checks membership with is() by category', () => {
    expect(TimeoutError.is(new TimeoutError())).toBe(true);
    expect(TimeoutError.is(new NetworkError())).toBe(false);
    expect(TimeoutError.is(new Error('x'))).toBe(false);
  });

  it('registers every built-in code in the catalogue', () => {
    const codes = registeredErrors().map((entry) => entry.code);
    expect(codes).toContain('NOT_FOUND');
    expect(codes).toEqual([...codes].sort((a, b) => a.localeCompare(b)));
  });
});

describe('defineError', () => {
  const UserNotFound = defineError('USER_NOT_FOUND_TEST', {
    category: 'not_found',
    message: (d: { id: string }) => `User ${d.id} does not exist`,
    userMessage: (d) => `We could not find user ${d.id}.`,
    suggestions: (d) => [`Check the id ${d.id}`],
    docsUrl: 'https://docs.example.com/user',
    description: 'A user id did not match any user.',
  });

  it('builds message, user message and suggestions from typed details', () => {
    const err = new UserNotFound({ id: '42' });
    expect(err.message).toBe('User 42 does not exist');
    expect(err.userMessage).toBe('We could not find user 42.');
    expect(err.suggestions).toEqual(['Check the id 42']);
    expect(err.details).toEqual({ id: '42' });
    expect(err.name).toBe('UserNotFoundTestError');
    expect(err.docsUrl).toBe('https://docs.example.com/user');
    expect(UserNotFound.is(err)).toBe(true);
    expect(UserNotFound.is(new NotFoundError())).toBe(false);
    expect(NotFoundError.is(err)).toBe(true);
  });

  it('lets one throw override message, user message, suggestions, retry delay and cause', () => {
    const cause = new Error('db');
    const err = new UserNotFound(
      { id: '1' },
      { message: 'm', userMessage: 'u', suggestions: ['s'], retryAfterMs: 5, cause },
    );
    expect(err).toMatchObject({ message: 'm', userMessage: 'u', suggestions: ['s'], retryAfterMs: 5 });
    expect(err.cause).toBe(cause);
  });

  it('uses static suggestions and explicit status and retryability', () => {
    const Busy = defineError('BUSY_TEST', {
      category: 'unavailable',
      status: 529,
      retryable: false,
      message: () => 'busy',
      suggestions: ['Wait'],
    });
    const err = new Busy();
    expect(err).toMatchObject({ status: 529, retryable: false, suggestions: ['Wait'] });
    expect(registeredErrors().find((e) => e.code === 'BUSY_TEST')).toMatchObject({
      status: 529,
      retryable: false,
      suggestions: ['Wait'],
    });
  });

  it('rejects duplicate codes, bad codes and unknown categories', () => {
    expect(() => defineError('USER_NOT_FOUND_TEST', { category: 'not_found', message: () => '' })).toThrow(
      /already defined/,
    );
    expect(() => defineError('userNotFound', { category: 'not_found', message: () => '' })).toThrow(
      /SCREAMING_SNAKE/,
    );
    expect(() => defineError('X_UNKNOWN', { category: 'nope' as ErrorCategory, message: () => '' })).toThrow(
      /Invalid category/,
    );
    expect(() =>
      defineError('X_BAD_NAME', { name: 'not a class', category: 'internal', message: () => '' }),
    ).toThrow(/PascalCase/);
  });

  it('names the class and its instances as the spec says, in the catalogue too', () => {
    const Open = defineError('X_CIRCUIT_OPEN_TEST', {
      name: 'BrokenThingError',
      category: 'unavailable',
      message: () => 'open',
    });
    expect(Open.name).toBe('BrokenThingError');
    expect(new Open().name).toBe('BrokenThingError');
    expect(registeredErrors().find((e) => e.code === 'X_CIRCUIT_OPEN_TEST')?.name).toBe('BrokenThingError');
  });

  it('rejects a bad status, retryability, message, user message, suggestions or docs link at definition', () => {
    const spec = { category: 'internal' as const, message: () => 'm' };
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ status: 200 }, /Invalid status 200 for X_SPEC_TEST: use an HTTP error status/],
      [{ status: '404' }, /Invalid status "404"/],
      [{ retryable: 1 }, /Invalid retryable 1 for X_SPEC_TEST: use true or false/],
      [{ message: 'static text' }, /Invalid message "static text" for X_SPEC_TEST: use a function/],
      [{ userMessage: 'text' }, /Invalid userMessage "text"/],
      [{ suggestions: 'Check it' }, /Invalid suggestions "Check it"/],
      [{ docsUrl: 42 }, /Invalid docsUrl 42/],
    ];
    for (const [extra, message] of cases) {
      expect(() => defineError('X_SPEC_TEST', { ...spec, ...extra } as never)).toThrow(message);
    }
    // Nothing was registered by the failed definitions.
    expect(registeredErrors().some((e) => e.code === 'X_SPEC_TEST')).toBe(false);
  });

  it('validates codes and categories', () => {
    expect(isValidErrorCode('A_B2')).toBe(true);
    expect(isValidErrorCode('a_b')).toBe(false);
    expect(isValidErrorCode(3)).toBe(false);
    expect(isErrorCategory('timeout')).toBe(true);
    expect(isErrorCategory('toString')).toBe(false);
  });
});

describe('option helpers', () => {
  it('invalidOption names the option, the value and what is allowed', () => {
    const err = invalidOption('retry.maxAttempts', 0, 'a whole number ≥ 1');
    expect(err).toBeInstanceOf(ConfigurationError);
    expect(err.message).toBe('Invalid option retry.maxAttempts: got 0; expected a whole number ≥ 1.');
    expect(err.suggestions).toEqual(['Set retry.maxAttempts to a whole number ≥ 1.']);
    expect(invalidOption('f', () => 1, 'x').message).toContain('got a function');
    expect(invalidOption('s', 'v', 'x').message).toContain('got "v"');
    expect(invalidOption('u', undefined, 'x').message).toContain('got undefined');
  });

  it('shows NaN, ±Infinity, bigints and undefined as they are, not as JSON would', () => {
    const got = (value: unknown) => /got (.*); expected/.exec(invalidOption('o', value, 'x').message)?.[1];
    expect(got(Number.NaN)).toBe('NaN');
    expect(got(Number.POSITIVE_INFINITY)).toBe('Infinity');
    expect(got(Number.NEGATIVE_INFINITY)).toBe('-Infinity');
    expect(got(10n)).toBe('10n');
    expect(got(-3n)).toBe('-3n');
    expect(got(undefined)).toBe('undefined');
    expect(got(null)).toBe('null');
    expect(got(2.5)).toBe('2.5');
    expect(got({ a: 1 })).toBe('{"a":1}');
    expect(() => integerOption('retry.maxAttempts', Number.NaN, 1)).toThrow(
      'Invalid option retry.maxAttempts: got NaN; expected a whole number ≥ 1.',
    );
    expect(() => numberOption('r', Number.NEGATIVE_INFINITY, { min: 0 })).toThrow(/got -Infinity;/);
    expect(() => durationOption('t', Number.POSITIVE_INFINITY)).toThrow(/got Infinity;/);
  });

  it('durationOption parses durations and rejects bad ones', () => {
    expect(durationOption('t', '2s')).toBe(2000);
    expect(() => durationOption('t', 'soon')).toThrow(/Invalid option t: got "soon"/);
  });

  it('sizeOption reads byte sizes and rejects bad ones or ones below the minimum', () => {
    expect(sizeOption('s', '2KB')).toBe(2048);
    expect(sizeOption('s', 0)).toBe(0);
    expect(sizeOption('s', '1B', 1)).toBe(1);
    for (const bad of ['lots', -1, '10%', Number.NaN]) {
      const error = rejection(() => sizeOption('cache.maxBytes', bad));
      expect(error).toBeInstanceOf(ConfigurationError);
      expect(error.message).toMatch(/^Invalid option cache\.maxBytes: got .*; expected a size: bytes ≥ 0/);
    }
    expect(() => sizeOption('s', '0MB', 1)).toThrow(/expected a size: bytes ≥ 1/);
  });

  it('integerOption and numberOption check ranges', () => {
    expect(integerOption('n', 3, 1)).toBe(3);
    expect(() => integerOption('n', 0, 1)).toThrow(/a whole number ≥ 1/);
    expect(() => integerOption('n', 11, 1, 10)).toThrow(/from 1 to 10/);
    expect(numberOption('r', 0.5, { min: 0, max: 1, exclusiveMin: true })).toBe(0.5);
    expect(() => numberOption('r', 0, { min: 0, max: 1, exclusiveMin: true })).toThrow(/> 0 and ≤ 1/);
    expect(() => numberOption('r', Number.NaN, { min: 0 })).toThrow(/≥ 0/);
    expect(() => numberOption('r', 5, { max: 1 })).toThrow(/≤ 1/);
  });
});
