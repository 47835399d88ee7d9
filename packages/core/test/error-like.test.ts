import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isErrorLike } from '../src/error-like.js';

const fail = () => {
  throw new Error('trap');
};

describe('isErrorLike', () => {
  it('recognises errors of this realm, of another realm, and branded Ballast errors', () => {
    expect(isErrorLike(new Error('x'))).toBe(true);
    expect(isErrorLike(new TypeError('x'))).toBe(true);
    expect(isErrorLike(new AggregateError([], 'x'))).toBe(true);
    expect(isErrorLike(runInNewContext('new Error("other realm")'))).toBe(true);
    expect(isErrorLike({ [Symbol.for('ballast.error')]: true, message: 'copy' })).toBe(true);
    expect(isErrorLike(Object.create(Error.prototype))).toBe(true);
  });

  it('refuses values that only look like errors', () => {
    for (const value of [
      { message: 'x', stack: 'y' },
      { name: 'Error' },
      'Error: x',
      42,
      null,
      undefined,
      [],
    ]) {
      expect(isErrorLike(value)).toBe(false);
    }
    expect(isErrorLike({ [Symbol.for('ballast.error')]: 'yes' })).toBe(false);
  });

  it('never throws: a proxy whose traps throw is not error-like', () => {
    expect(isErrorLike(new Proxy({}, { getPrototypeOf: fail, get: fail }))).toBe(false);
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(isErrorLike(proxy)).toBe(false);
  });

  it('never throws for any value, and says true for every Error it is given', () => {
    fc.assert(
      fc.property(fc.anything(), fc.string(), (value, message) => {
        expect(typeof isErrorLike(value)).toBe('boolean');
        expect(isErrorLike(new RangeError(message))).toBe(true);
      }),
    );
  });
});
