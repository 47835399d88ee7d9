import { describe, expect, it } from 'vitest';
import {
  builtinFor,
  CATEGORIES,
  CancelledError,
  ConfigurationError,
  defineError,
  type ErrorCategory,
  InternalError,
  invalidOption,
  NetworkError,
  RateLimitedError,
  TimeoutError,
  toUserMessage,
  UnavailableError,
} from '../src/index.js';

describe('toUserMessage', () => {
  it('gives the user message, the developer message and "Try:" suggestions', () => {
    const err = new NetworkError('connect ECONNREFUSED 127.0.0.1:6379', {
      suggestions: ['Check that Redis is running', 'Retry in a moment.'],
    });
    expect(toUserMessage(err)).toBe(
      [
        'A service we depend on could not be reached; please try again. (connect ECONNREFUSED 127.0.0.1:6379)',
        'Try:',
        '  - Check that Redis is running.',
        '  - Retry in a moment.',
      ].join('\n'),
    );
  });

  it('hides the message of internal errors unless asked', () => {
    const err = new InternalError('undefined is not a function');
    const bug = [
      'Something went wrong on our side.',
      'Try:',
      '  - If this keeps happening, report it with the time and what you were doing.',
    ].join('\n');
    expect(toUserMessage(err)).toBe(bug);
    expect(toUserMessage(err, { showMessage: true })).toContain('(undefined is not a function)');
    expect(toUserMessage('raw string')).toBe(bug);
  });

  it('tells the user how long to wait when rate limited, with a docs link', () => {
    const err = new RateLimitedError('limit', {
      retryAfterMs: 90_500,
      docsUrl: 'https://docs.example.com/rl',
    });
    expect(toUserMessage(err, { showMessage: false, indent: '    ' })).toBe(
      [
        'Too many requests; please wait a moment and try again.',
        'Try:',
        '    - Wait 1m31s before trying again.',
        'See: https://docs.example.com/rl',
      ].join('\n'),
    );
  });

  it('shows option errors in full', () => {
    const text = toUserMessage(invalidOption('cache.ttl', -1, 'a duration'));
    expect(text).toContain('Invalid option cache.ttl: got -1; expected a duration.');
    expect(text).toContain('  - Set cache.ttl to a duration.');
  });

  it('does not repeat a message equal to the user message, and punctuates sentences', () => {
    const Quota = defineError('USER_MESSAGE_QUOTA_TEST', {
      category: 'conflict',
      message: () => 'Quota used up',
      userMessage: () => 'Quota used up',
      suggestions: ['Upgrade your plan!', '   '],
    });
    expect(toUserMessage(new Quota())).toBe('Quota used up.\nTry:\n  - Upgrade your plan!\n  - ');
    expect(toUserMessage(new ConfigurationError('')).split('\n')[0]).toBe('The service is misconfigured.');
  });

  it("suggests the category's default when the error brings no suggestions", () => {
    expect(toUserMessage(new NetworkError('connect failed'))).toBe(
      [
        'A service we depend on could not be reached; please try again. (connect failed)',
        'Try:',
        '  - Check the network connection and that the service is running and reachable.',
        '  - Retry in a moment; the failure may be transient.',
      ].join('\n'),
    );
    expect(toUserMessage(new TimeoutError())).toBe(
      [
        'The operation took too long; please try again. (The operation timed out)',
        'Try:',
        '  - Retry in a moment; if it keeps timing out, check the load on the service or raise the time limit.',
      ].join('\n'),
    );
    expect(toUserMessage(new ConfigurationError('REDIS_URL is not set'))).toBe(
      [
        'The service is misconfigured. (REDIS_URL is not set)',
        'Try:',
        '  - Check the configuration (options, environment variables) against the documentation.',
      ].join('\n'),
    );
    // Never instead of, nor on top of, the error's own.
    expect(toUserMessage(new NetworkError('x', { suggestions: ['Check the VPN'] }))).toBe(
      'A service we depend on could not be reached; please try again. (x)\nTry:\n  - Check the VPN.',
    );
    expect(toUserMessage(invalidOption('cache.ttl', -1, 'a duration'))).not.toContain(
      'against the documentation',
    );
  });

  it("gives every category but cancelled a default suggestion, and a defined error its category's", () => {
    for (const category of Object.keys(CATEGORIES) as ErrorCategory[]) {
      const text = toUserMessage(new (builtinFor(category))('x'));
      expect(text.includes('\nTry:\n'), category).toBe(category !== 'cancelled');
    }
    expect(toUserMessage(new CancelledError())).toBe('The operation was cancelled.');
    const Stale = defineError('USER_MESSAGE_STALE_TEST', {
      category: 'conflict',
      message: () => 'stale version',
    });
    expect(toUserMessage(new Stale())).toContain('Try:\n  - Reload the current state, then try again.');
  });

  it('lets the retry-after wait stand in for the default of a rate-limited or unavailable error', () => {
    expect(
      toUserMessage(new RateLimitedError('limit', { retryAfterMs: 2_000 }), { showMessage: false }),
    ).toBe('Too many requests; please wait a moment and try again.\nTry:\n  - Wait 2s before trying again.');
    expect(toUserMessage(new RateLimitedError('limit'), { showMessage: false })).toBe(
      'Too many requests; please wait a moment and try again.\nTry:\n  - Wait a moment before trying again.',
    );
    expect(toUserMessage(new UnavailableError('down', { retryAfterMs: 5_000 }))).not.toContain('restarting');
  });

  it('redacts secrets in the developer message and suggestions it prints', () => {
    const err = new UnavailableError(
      'GET https://svc:p4ssw0rd@h/x failed with Bearer abcdefghijklmnop12345',
      {
        suggestions: ['Check https://svc:p4ssw0rd@h is up'],
      },
    );
    const text = toUserMessage(err);
    expect(text).not.toContain('p4ssw0rd');
    expect(text).not.toContain('abcdefghijklmnop12345');
    expect(text).toContain('https://svc:[REDACTED]@h/x');
  });

  it('prints secrets only with redact: false, and nothing but the user message when redaction fails', () => {
    const err = new UnavailableError('see https://u:pw12345@h/x', {
      suggestions: ['Call https://u:pw12345@h'],
    });
    expect(toUserMessage(err, { redact: false })).toContain('pw12345');
    expect(toUserMessage(err, { redact: { paths: ['a..b'] } })).toBe(`${err.userMessage}`);
  });

  it('fails closed when the redactor throws while it runs', () => {
    const err = new UnavailableError('see https://u:pw12345@h/x', {
      suggestions: ['Call https://u:pw12345@h'],
    });
    const throwing = (): never => {
      throw new Error('redactor broke');
    };
    for (const redact of [throwing, { censor: throwing }]) {
      expect(toUserMessage(err, { redact })).toBe(err.userMessage);
    }
  });
});
