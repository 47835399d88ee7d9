import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BALLAST_ERROR_BRAND,
  BallastErrorBase,
  describeInvalidOption,
  findUnknownOption,
  showValue,
} from '../src/error-base.js';
import { isErrorLike } from '../src/error-like.js';

const fields = {
  code: 'INVALID_CONFIGURATION',
  category: 'configuration',
  status: 500,
  retryable: false,
  userMessage: 'The service is misconfigured.',
};

describe('BallastErrorBase', () => {
  it('is an Error carrying the shared brand and the resolved fields, named after its class', () => {
    class PlanError extends BallastErrorBase {}
    const err = new PlanError('bad plan', { ...fields, details: { option: 'x' }, suggestions: ['Fix x.'] });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('PlanError');
    expect(err[BALLAST_ERROR_BRAND]).toBe(true);
    expect(BALLAST_ERROR_BRAND).toBe(Symbol.for('ballast.error'));
    expect(Object.keys(err)).not.toContain(BALLAST_ERROR_BRAND.toString());
    expect(isErrorLike(Object.create(PlanError.prototype))).toBe(true);
    expect(err).toMatchObject({ ...fields, details: { option: 'x' }, suggestions: ['Fix x.'] });
    expect(Object.isFrozen(err.suggestions)).toBe(true);
    expect(err.docsUrl).toBeUndefined();
    expect(err.cause).toBeUndefined();
    expect(new (class extends BallastErrorBase {})('m', fields).name).toBe('BallastError');
    expect(new BallastErrorBase('m', fields)).toMatchObject({
      name: 'BallastErrorBase',
      details: {},
      suggestions: [],
    });
  });

  it('keeps message, stack and the set fields in JSON, never the cause', () => {
    const cause = new Error('secret=hunter2');
    const plain = JSON.parse(JSON.stringify(new BallastErrorBase('bad', { ...fields, cause })));
    expect(plain).toEqual({
      name: 'BallastErrorBase',
      message: 'bad',
      ...fields,
      suggestions: [],
      details: {},
      stack: expect.stringContaining('bad'),
    });
    const full = new BallastErrorBase('slow', {
      ...fields,
      docsUrl: 'https://x.test',
      retryAfterMs: 5,
    }).toJSON();
    expect(full).toMatchObject({ docsUrl: 'https://x.test', retryAfterMs: 5 });
    expect(Object.keys(full).at(-1)).toBe('stack');
  });
});

describe('showValue', () => {
  it('shows values as JSON except where JSON misreports them', () => {
    expect(showValue('a')).toBe('"a"');
    expect(showValue(Number.NaN)).toBe('NaN');
    expect(showValue(Number.NEGATIVE_INFINITY)).toBe('-Infinity');
    expect(showValue(10n)).toBe('10n');
    expect(showValue(Symbol('s'))).toBe('Symbol(s)');
    expect(showValue(() => 1)).toBe('a function');
    expect(showValue(undefined)).toBe('undefined');
    expect(showValue({ a: [1] })).toBe('{"a":[1]}');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(showValue(cyclic)).toBe('[object Object]');
  });

  it('never throws', () => {
    fc.assert(fc.property(fc.anything(), (value) => typeof showValue(value) === 'string'));
  });
});

describe('describeInvalidOption', () => {
  it('names the option, the value and what is allowed', () => {
    expect(describeInvalidOption('retry.maxAttempts', 0, 'a whole number ≥ 1')).toEqual({
      message: 'Invalid option retry.maxAttempts: got 0; expected a whole number ≥ 1.',
      details: { option: 'retry.maxAttempts', expected: 'a whole number ≥ 1' },
      suggestions: ['Set retry.maxAttempts to a whole number ≥ 1.'],
    });
  });
});

describe('findUnknownOption', () => {
  it('names the first unknown key and the valid key it most likely meant', () => {
    expect(findUnknownOption('createLogger', { level: 1, levle: 'debug' }, ['level', 'sinks'])).toEqual({
      message: 'Unknown option createLogger.levle (did you mean level?): expected one of level, sinks.',
      details: { option: 'createLogger.levle', expected: 'one of level, sinks', intended: 'level' },
      suggestions: ['Rename levle to level.'],
    });
  });

  it('adds the hint of a known mistake, and says when nothing is accepted', () => {
    const hinted = findUnknownOption('x', { client: 1 }, ['keys'], { client: 'pass it first' });
    expect(hinted?.message).toBe('Unknown option x.client: expected one of keys; pass it first.');
    expect(hinted?.suggestions).toEqual(['Remove client; pass it first.']);
    expect(findUnknownOption('x', { zzz: 1 }, ['keys'])?.suggestions).toEqual(['Remove zzz.']);
    expect(findUnknownOption('x', { a: 1 }, [])?.message).toBe('Unknown option x.a: expected no options.');
    expect(findUnknownOption('x', { toString: 1 }, ['keys'], {})?.message).toContain('x.toString');
  });

  it('finds a problem exactly when a key is not valid, and never shows its value', () => {
    const key = fc.string({ unit: fc.constantFrom(...'abcdk'), minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(fc.dictionary(key, fc.constant('SECRET-VALUE')), fc.array(key), (options, valid) => {
        const problem = findUnknownOption('o', options, valid);
        const unknown = Object.keys(options).filter((k) => !valid.includes(k));
        expect(problem === undefined).toBe(unknown.length === 0);
        if (problem === undefined) return;
        expect(problem.details.option).toBe(`o.${unknown[0]}`);
        expect(JSON.stringify(problem)).not.toContain('SECRET-VALUE');
      }),
    );
  });
});
