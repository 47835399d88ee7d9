import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSize } from '../src/size.js';

const UNITS = [
  ['B', 1],
  ['K', 1024],
  ['KB', 1024],
  ['kB', 1024],
  ['KiB', 1024],
  ['M', 1024 ** 2],
  ['MB', 1024 ** 2],
  ['MiB', 1024 ** 2],
  ['G', 1024 ** 3],
  ['GB', 1024 ** 3],
  ['GiB', 1024 ** 3],
  ['T', 1024 ** 4],
  ['TB', 1024 ** 4],
  ['TiB', 1024 ** 4],
] as const;

describe('parseSize', () => {
  it.each([
    [512, 512],
    [0, 0],
    [1.9, 1],
    ['512', 512],
    ['512B', 512],
    ['512b', 512],
    ['50KB', 51_200],
    ['50kB', 51_200],
    ['50k', 51_200],
    ['50MB', 52_428_800],
    ['2GiB', 2_147_483_648],
    ['1.5KB', 1536],
    ['.5k', 512],
    ['10 b', 10],
    [' 2 GB ', 2 * 1024 ** 3],
    [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  ] as const)('reads %j as %d bytes', (input, expected) => {
    expect(parseSize(input)).toBe(expected);
  });

  it.each([
    [-1, /must not be negative/],
    [Number.NaN, /not a number/],
    [Number.POSITIVE_INFINITY, /must be finite/],
    [2 ** 60, /too large/],
    ['', /is empty/],
    ['  ', /is empty/],
    ['-5MB', /must not be negative/],
    ['5 parsecs', /unknown unit "parsecs"/],
    ['10%', /cannot read "10%"/],
    ['1e3', /cannot read "1e3"/],
    ['MB', /cannot read "MB"/],
    ['1 2MB', /cannot read "1 2MB"/],
    ['9'.repeat(400), /too large/],
    ['9000000TB', /too large/],
  ] as const)('rejects %j with a TypeError that names it', (input, reason) => {
    expect(() => parseSize(input)).toThrow(TypeError);
    expect(() => parseSize(input)).toThrow(reason);
    expect(() => parseSize(input)).toThrow(/Invalid size/);
  });

  it('rejects values that are neither numbers nor strings', () => {
    expect(() => parseSize({} as never)).toThrow(/expected a number or a string, got object/);
    expect(() => parseSize(null as never)).toThrow(/Invalid size null/);
  });

  it('reads -0 as 0, not -0', () => {
    expect(Object.is(parseSize(-0), 0)).toBe(true);
  });

  it('reads a whole amount with any unit, in any case, as amount × unit', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 8000 }) /* 8000 TiB stays under 2^53 */,
        fc.constantFrom(...UNITS),
        fc.boolean(),
        fc.boolean(),
        (amount, [unit, factor], lower, space) => {
          const text = `${amount}${space ? ' ' : ''}${lower ? unit.toLowerCase() : unit.toUpperCase()}`;
          expect(parseSize(text)).toBe(amount * factor);
        },
      ),
    );
  });

  it('round-trips every safe whole number of bytes, as a number and as a string', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (bytes) => {
        expect(parseSize(bytes)).toBe(bytes);
        expect(parseSize(String(bytes))).toBe(bytes);
        expect(parseSize(`${bytes}B`)).toBe(bytes);
      }),
    );
  });

  it('is monotonic: a larger amount of the same unit is never fewer bytes', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 8000, noNaN: true }),
        fc.double({ min: 0, max: 8000, noNaN: true }),
        fc.constantFrom(...UNITS),
        (a, b, [unit]) => {
          const [low, high] = a <= b ? [a, b] : [b, a];
          const fixed = (n: number) => n.toFixed(3);
          expect(parseSize(`${fixed(low)}${unit}`)).toBeLessThanOrEqual(parseSize(`${fixed(high)}${unit}`));
        },
      ),
    );
  });

  it('orders the units: one of a larger unit is more bytes than 1023 of the next smaller', () => {
    const ladder = ['B', 'KB', 'MB', 'GB', 'TB'];
    for (let i = 1; i < ladder.length; i++) {
      expect(parseSize(`1${ladder[i]}`)).toBeGreaterThan(parseSize(`1023${ladder[i - 1]}`));
      expect(parseSize(`1${ladder[i]}`)).toBe(parseSize(`1024${ladder[i - 1]}`));
    }
  });
});
