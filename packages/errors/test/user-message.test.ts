import { describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  defineError,
  InternalError,
  invalidOption,
  NetworkError,
  RateLimitedError,
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
    expect(toUserMessage(err)).toBe('Something went wrong on our side.');
    expect(toUserMessage(err, { showMessage: true })).toContain('(undefined is not a function)');
    expect(toUserMessage('raw string')).toBe('Something went wrong on our side.');
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
    expect(toUserMessage(new ConfigurationError(''))).toBe('The service is misconfigured.');
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
