import { createRedactor } from '@ballast/redact';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBallastError, rejectUnknownKeys } from '../src/index.js';
import { rejection } from './rejection.js';

const LOGGER_KEYS = ['level', 'sinks', 'redact'];

describe('rejectUnknownKeys', () => {
  it('accepts an object whose keys are all valid', () => {
    expect(() => rejectUnknownKeys('createLogger', { level: 'info', sinks: [] }, LOGGER_KEYS)).not.toThrow();
    expect(() => rejectUnknownKeys('createLogger', {}, LOGGER_KEYS)).not.toThrow();
  });

  it('names the unknown key, the key it was probably meant to be and the valid ones', () => {
    const error = rejection(() => rejectUnknownKeys('createLogger', { levle: 'debug' }, LOGGER_KEYS));
    expect(error.message).toBe(
      'Unknown option createLogger.levle (did you mean level?): expected one of level, sinks, redact.',
    );
    expect(error.suggestions).toEqual(['Rename levle to level.']);
    expect(error.details).toEqual({
      option: 'createLogger.levle',
      expected: 'one of level, sinks, redact',
      intended: 'level',
    });
    expect(error.code).toBe('INVALID_CONFIGURATION');
    expect(isBallastError(error)).toBe(true);
  });

  it('suggests removing a key that is close to no valid one', () => {
    const error = rejection(() => rejectUnknownKeys('createLogger', { verbose: true }, LOGGER_KEYS));
    expect(error.message).toBe('Unknown option createLogger.verbose: expected one of level, sinks, redact.');
    expect(error.suggestions).toEqual(['Remove verbose.']);
    expect(error.details).toEqual({
      option: 'createLogger.verbose',
      expected: 'one of level, sinks, redact',
    });
  });

  it('reports the first unknown key only', () => {
    const error = rejection(() => rejectUnknownKeys('o', { level: 1, sinkz: 2, levle: 3 }, LOGGER_KEYS));
    expect(error.details).toMatchObject({ option: 'o.sinkz', intended: 'sinks' });
  });

  it('adds the hint for a key users are known to pass by mistake', () => {
    const hints = { client: "the client is redisCheck's first argument: redisCheck(client, options)" };
    const error = rejection(() =>
      rejectUnknownKeys('redisCheck', { client: {} }, ['name', 'timeout'], hints),
    );
    expect(error.message).toBe(
      "Unknown option redisCheck.client: expected one of name, timeout; the client is redisCheck's first argument: redisCheck(client, options).",
    );
    expect(error.suggestions).toEqual([
      "Remove client; the client is redisCheck's first argument: redisCheck(client, options).",
    ]);
  });

  it('prefers the rename to the hint when the key is also a typo of a valid one', () => {
    const error = rejection(() =>
      rejectUnknownKeys('o', { nmae: 1 }, ['name'], { nmae: 'pass the name positionally' }),
    );
    expect(error.message).toBe(
      'Unknown option o.nmae (did you mean name?): expected one of name; pass the name positionally.',
    );
    expect(error.suggestions).toEqual(['Rename nmae to name.']);
  });

  it('reads only the hints it was given, not members every object inherits', () => {
    const error = rejection(() => rejectUnknownKeys('o', { constructor: 1, toString: 2 }, ['paths']));
    expect(error.message).toBe('Unknown option o.constructor: expected one of paths.');
  });

  it('says when an owner takes no options at all', () => {
    const error = rejection(() => rejectUnknownKeys('close', { force: true }, []));
    expect(error.message).toBe('Unknown option close.force: expected no options.');
    expect(error.suggestions).toEqual(['Remove force.']);
  });

  it('never shows the value under an unknown key, in the message, suggestions or details', () => {
    const secret = fc
      .string({ unit: fc.constantFrom(...'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'), minLength: 4, maxLength: 24 })
      .map((tail) => `S3CRET-${tail}`);
    const key = fc.constantFrom('hashkey', 'pasword', 'levle', 'token', 'apiKey', 'x');
    fc.assert(
      fc.property(key, secret, fc.boolean(), (unknown, value, nested) => {
        const options = { level: 'info', [unknown]: nested ? { inner: [value] } : value };
        const error = rejection(() => rejectUnknownKeys('createLogger', options, LOGGER_KEYS));
        const everything = JSON.stringify({ error, text: String(error), stack: error.stack });
        expect(everything).not.toContain('S3CRET');
      }),
    );
  });

  it("reads exactly like @ballast/redact's own unknown-option error, which cannot use it", () => {
    for (const options of [{ ptahs: ['a'] }, { hashkey: 'S3CRET' }, { serialize: true }]) {
      const fromRedact = rejection(() => createRedactor(options as never));
      const expected = String(fromRedact.details.expected);
      const validKeys = expected.replace(/^one of /, '').split(', ');
      const fromErrors = rejection(() => rejectUnknownKeys('createRedactor', options, validKeys));
      expect(fromRedact.message).toBe(fromErrors.message);
      expect(fromRedact.suggestions).toEqual(fromErrors.suggestions);
      expect(fromRedact.details).toEqual(fromErrors.details);
      expect(fromRedact.message).not.toContain('S3CRET');
    }
  });
});
