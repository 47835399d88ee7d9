import { createRedactor } from '@ballast/redact';
import { describe, expect, it } from 'vitest';
import {
  CATEGORIES,
  ConfigurationError,
  invalidOption,
  isBallastError,
  rejectUnknownKeys,
  serializeError,
} from '../src/index.js';

/** What `run` throws. */
function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

// @ballast/redact cannot import this package (this package depends on it), so it throws its
// own error built on the same BallastErrorBase from @ballast/core/error-base. These tests keep
// the two indistinguishable to a host except by instanceof.
describe('the ConfigurationError of @ballast/redact', () => {
  const fromRedact = thrown(() => createRedactor({ keys: ['a'], kyes: ['b'] } as never));
  const fromErrors = thrown(() => rejectUnknownKeys('createRedactor', { kyes: ['b'] }, ['keys']));

  it('is recognised as a ConfigurationError and carries the configuration defaults of CATEGORIES', () => {
    expect(isBallastError(fromRedact)).toBe(true);
    expect(ConfigurationError.is(fromRedact)).toBe(true);
    const defaults = CATEGORIES.configuration;
    expect(fromRedact).toMatchObject({
      name: 'ConfigurationError',
      code: ConfigurationError.code,
      category: ConfigurationError.category,
      status: defaults.status,
      retryable: defaults.retryable,
      userMessage: defaults.userMessage,
    });
  });

  it('is worded by the same implementation as rejectUnknownKeys and invalidOption', () => {
    expect(fromRedact.message).toContain('Unknown option createRedactor.kyes (did you mean keys?)');
    expect((fromRedact as InstanceType<typeof ConfigurationError>).suggestions).toEqual(
      (fromErrors as InstanceType<typeof ConfigurationError>).suggestions,
    );
    const bad = thrown(() => createRedactor({ censor: 42 as never }));
    const expected = invalidOption('censor', 42, 'x');
    expect(bad.message.startsWith(expected.message.slice(0, expected.message.indexOf('expected')))).toBe(
      true,
    );
  });

  it('serializes with the same fields as the ConfigurationError of this package', () => {
    const own = serializeError(fromErrors, { redact: false });
    const redacts = serializeError(fromRedact, { redact: false });
    expect(Object.keys(redacts).sort()).toEqual(Object.keys(own).sort());
    expect(JSON.parse(JSON.stringify(fromRedact))).toMatchObject({
      name: 'ConfigurationError',
      message: fromRedact.message,
      code: 'INVALID_CONFIGURATION',
      stack: fromRedact.stack,
    });
  });
});
