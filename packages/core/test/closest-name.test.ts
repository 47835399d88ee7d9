import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { closestName } from '../src/index.js';

/** Reference optimal-string-alignment distance, written independently of the one under test. */
function reference(a: string, b: string): number {
  const memo = new Map<string, number>();
  const d = (i: number, j: number): number => {
    if (i === 0) return j;
    if (j === 0) return i;
    const key = `${i},${j}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let best = Math.min(d(i - 1, j) + 1, d(i, j - 1) + 1, d(i - 1, j - 1) + (a[i - 1] === b[j - 1] ? 0 : 1));
    if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
      best = Math.min(best, d(i - 2, j - 2) + 1);
    memo.set(key, best);
    return best;
  };
  return d(a.length, b.length);
}

const distance = (a: string, b: string): number => reference(a.toLowerCase(), b.toLowerCase());
const threshold = (name: string): number => Math.min(2, Math.max(1, Math.floor(name.length / 3)));

// A small alphabet (with both cases) so names and candidates are often a few edits apart.
const name = fc.string({ unit: fc.constantFrom(...'abcAB'), maxLength: 9 });
const names = fc.array(name, { maxLength: 6 });

describe('closestName', () => {
  it.each([
    ['timout', ['timeout', 'retries'], 'timeout'],
    ['tiemout', ['timeout'], 'timeout'],
    ['levle', ['level', 'sinks'], 'level'],
    ['Censor', ['paths', 'censor'], 'censor'],
    ['prot', ['host', 'port'], 'port'],
    ['ptahs', ['paths', 'keys'], 'paths'],
    ['mx', ['max', 'warn'], 'max'],
    ['x', ['y'], 'y'],
  ] as const)('takes %j for the name it misspells in %j', (typo, valid, meant) => {
    expect(closestName(typo, valid)).toBe(meant);
  });

  it.each([
    ['verbose', ['checks', 'timeout', 'cacheFor']],
    ['ab', ['xyz']],
    ['defaults', ['defaultKeys', 'defaultPatterns']],
    ['anything', []],
  ] as const)('suggests nothing for %j among %j', (typo, valid) => {
    expect(closestName(typo, valid)).toBeUndefined();
  });

  it('allows one edit up to five characters and two from six on', () => {
    expect(closestName('abxde', ['abcde'])).toBe('abcde');
    expect(closestName('axcxe', ['abcde'])).toBeUndefined();
    expect(closestName('abxdxf', ['abcdef'])).toBe('abcdef');
    expect(closestName('axcxexgh', ['abcdefgh'])).toBeUndefined();
  });

  it('prefers the closer entry, then the first of equally close ones', () => {
    expect(closestName('colr', ['colour', 'color'])).toBe('color');
    expect(closestName('bat', ['cat', 'hat'])).toBe('cat');
  });

  it('never suggests a name farther than the threshold, nor one it was not given', () => {
    fc.assert(
      fc.property(name, names, (typo, valid) => {
        const guess = closestName(typo, valid);
        if (guess === undefined) return;
        expect(valid).toContain(guess);
        expect(distance(typo, guess)).toBeLessThanOrEqual(threshold(typo));
      }),
    );
  });

  it('suggests the nearest entry whenever one is within the threshold', () => {
    fc.assert(
      fc.property(name, names, (typo, valid) => {
        const nearest = Math.min(...valid.map((candidate) => distance(typo, candidate)));
        const guess = closestName(typo, valid);
        if (nearest <= threshold(typo)) expect(distance(typo, guess!)).toBe(nearest);
        else expect(guess).toBeUndefined();
      }),
    );
  });

  it('always suggests an exact case-insensitive match when there is one', () => {
    fc.assert(
      fc.property(name, names, fc.nat(), fc.boolean(), (typo, others, at, upper) => {
        const match = upper ? typo.toUpperCase() : typo.toLowerCase();
        const valid = [...others];
        valid.splice(at % (valid.length + 1), 0, match);
        expect(closestName(typo, valid)?.toLowerCase()).toBe(typo.toLowerCase());
      }),
    );
  });
});
