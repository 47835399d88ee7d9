import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../src/duration.js';

describe('parseDuration', () => {
  it.each([
    [250, 250],
    [0, 0],
    [1.6, 2],
    ['250', 250],
    ['250ms', 250],
    ['10s', 10_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['7d', 604_800_000],
    ['1h30m', 5_400_000],
    ['1h 30m', 5_400_000],
    [' 2m10s ', 130_000],
    ['1.5s', 1_500],
    ['.5s', 500],
    ['10 s', 10_000],
    ['1H', 3_600_000],
    ['10S', 10_000],
    ['5Ms', 5],
    [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  ] as const)('reads %j as %d ms', (input, expected) => {
    expect(parseDuration(input)).toBe(expected);
  });

  it.each([
    [-1, /must not be negative/],
    [Number.NaN, /not a number/],
    [Number.POSITIVE_INFINITY, /must be finite/],
    ['', /is empty/],
    ['   ', /is empty/],
    ['-5s', /must not be negative/],
    ['5x', /unknown unit "x"/],
    ['5 weeks', /unknown unit "weeks"/],
    ['1h30', /"30" needs a unit/],
    ['abc', /cannot read "abc"/],
    ['1s!', /cannot read "!"/],
    ['9'.repeat(400), /too large/],
    [1e300, /too large \(more than 2\^53/],
    ['1e300', /unknown unit "e"/],
    ['200000000000d', /too large/],
    ['1M', /"M" could mean months; write "m" for minutes/],
  ] as const)('rejects %j with a TypeError that names it', (input, reason) => {
    expect(() => parseDuration(input)).toThrow(TypeError);
    expect(() => parseDuration(input)).toThrow(reason);
    expect(() => parseDuration(input)).toThrow(/Invalid duration/);
  });

  it('reads -0 as 0, not -0', () => {
    expect(Object.is(parseDuration(-0), 0)).toBe(true);
  });

  it('rejects values that are neither numbers nor strings', () => {
    expect(() => parseDuration({} as never)).toThrow(/expected a number or a string, got object/);
  });

  it('round-trips every generated duration through its string form', () => {
    const parts = fc.record({
      d: fc.nat(400),
      h: fc.nat(23),
      m: fc.nat(59),
      s: fc.nat(59),
      ms: fc.nat(999),
    });
    fc.assert(
      fc.property(parts, fc.boolean(), ({ d, h, m, s, ms }, spaced) => {
        const total = (((d * 24 + h) * 60 + m) * 60 + s) * 1000 + ms;
        const text = [d && `${d}d`, h && `${h}h`, m && `${m}m`, s && `${s}s`, ms && `${ms}ms`]
          .filter(Boolean)
          .join(spaced ? ' ' : '');
        expect(parseDuration(text || '0ms')).toBe(total);
        expect(parseDuration(formatDuration(total))).toBe(total);
      }),
    );
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [1_500, '1s500ms'],
    [5_400_000, '1h30m'],
    [86_400_000, '1d'],
  ])('formats %d as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it.each([-1, 1.5, Number.NaN])('rejects %d', (ms) => {
    expect(() => formatDuration(ms)).toThrow(TypeError);
  });
});
