import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { constantBackoff, exponentialBackoff } from '../src/index.js';

const arbOptions = fc.record({
  initial: fc.integer({ min: 0, max: 1_000 }),
  extra: fc.integer({ min: 0, max: 60_000 }),
  factor: fc.double({ min: 1, max: 5, noNaN: true }),
});

describe('backoff', () => {
  it('keeps every full-jitter delay within [0, min(max, initial·factorⁿ)]', () => {
    fc.assert(
      fc.property(
        arbOptions,
        fc.integer({ min: 1, max: 60 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (o, attempt, r) => {
          const max = o.initial + o.extra;
          const delay = exponentialBackoff({
            initial: o.initial,
            max,
            factor: o.factor,
            random: () => r,
          }).delay(attempt, 0);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThanOrEqual(Math.min(max, o.initial * o.factor ** (attempt - 1)));
        },
      ),
    );
  });

  it('keeps every decorrelated delay within [initial, min(max, previous·3)]', () => {
    fc.assert(
      fc.property(
        arbOptions,
        fc.array(fc.double({ min: 0, max: 0.999999, noNaN: true }), { minLength: 1, maxLength: 30 }),
        (o, randoms) => {
          const max = o.initial + o.extra;
          let i = 0;
          const backoff = exponentialBackoff({
            initial: o.initial,
            max,
            jitter: 'decorrelated',
            random: () => randoms[i]!,
          });
          let previous = 0;
          for (i = 0; i < randoms.length; i++) {
            const delay = backoff.delay(i + 1, previous);
            expect(delay).toBeGreaterThanOrEqual(Math.min(o.initial, max));
            expect(delay).toBeLessThanOrEqual(
              Math.min(max, Math.max(o.initial, (previous || o.initial) * 3)),
            );
            previous = delay;
          }
        },
      ),
    );
  });

  it('grows exactly as initial·factorⁿ capped at max without jitter', () => {
    fc.assert(
      fc.property(arbOptions, fc.integer({ min: 1, max: 40 }), (o, attempt) => {
        const max = o.initial + o.extra;
        const delay = exponentialBackoff({ initial: o.initial, max, factor: o.factor, jitter: 'none' }).delay(
          attempt,
          0,
        );
        expect(delay).toBe(Math.min(max, o.initial * o.factor ** (attempt - 1)));
      }),
    );
  });

  it('waits the same delay with constantBackoff', () => {
    const backoff = constantBackoff('250ms');
    expect([1, 2, 10].map((n) => backoff.delay(n, 0))).toEqual([250, 250, 250]);
  });

  it('uses sensible defaults', () => {
    const delay = exponentialBackoff().delay(1, 0);
    expect(delay).toBeGreaterThanOrEqual(0);
    expect(delay).toBeLessThanOrEqual(100);
  });

  it('rejects bad options with ConfigurationError', () => {
    expect(() => exponentialBackoff({ initial: 100, max: 10 })).toThrow(/exponentialBackoff.max/);
    expect(() => exponentialBackoff({ factor: 0.5 })).toThrow(/factor/);
    expect(() => exponentialBackoff({ jitter: 'some' as never })).toThrow(/jitter/);
    expect(() => constantBackoff(-1)).toThrow(/constantBackoff.ms/);
  });
});
