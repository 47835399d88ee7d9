import fc from 'fast-check';
import fastRedact from 'fast-redact';
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../src/index.js';

const numRuns = Number(process.env.FC_RUNS ?? 100);
const key = fc.constantFrom('a', 'b', 'c', 'x-y');
const segment = (first: boolean) =>
  first
    ? fc.constantFrom('a', 'b', 'c')
    : fc.oneof(
        key.map((k) => (k === 'x-y' ? '["x-y"]' : `.${k}`)),
        fc.constantFrom('[0]', '[1]'),
      );

/**
 * Paths of literal segments with at most one wildcard, where fast-redact 3.5 is right.
 * With two it is not: `*[*].a[0]` censors `{ a: [''] }.a[0]`, a path that does not exist.
 */
const path = fc
  .tuple(
    segment(true),
    fc.array(segment(false), { maxLength: 3 }),
    fc.uniqueArray(fc.nat(3), { maxLength: 1 }),
  )
  .map(([first, rest, stars]) => {
    const segs = [first, ...rest];
    for (const star of stars) {
      if (star < segs.length) segs[star] = star === 0 ? '*' : segs[star]!.startsWith('[') ? '[*]' : '.*';
    }
    return segs.join('');
  });

const tree = fc
  .letrec<{ v: unknown }>((tie) => ({
    v: fc.oneof(
      { depthSize: 'small' },
      // No null leaves: fast-redact censors null under wildcards but not on static paths;
      // Ballast consistently leaves null and undefined alone (there is nothing to hide).
      fc.oneof(fc.integer(), fc.string({ maxLength: 4 })),
      fc.array(tie('v'), { maxLength: 3 }),
      fc.dictionary(fc.constantFrom('a', 'b', 'c', 'x-y', '0', '1'), tie('v'), { maxKeys: 4 }),
    ),
  }))
  .v.filter((v) => typeof v === 'object' && v !== null);

describe('fast-redact compatibility', () => {
  it('produces the same JSON as fast-redact for the same object and paths', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(path, { minLength: 1, maxLength: 3 }),
        tree,
        fc.boolean(),
        (paths, value, remove) => {
          const ours = createRedactor({ paths, keys: false, patterns: false, remove });
          const theirs = fastRedact({ paths, remove, strict: false });
          let expected: string;
          try {
            expected = theirs(structuredClone(value)) as string;
          } catch {
            // fast-redact 3.5 throws restoring some overlapping paths (`*.b[0]` with
            // `*.b`): nothing to compare with. paths.test.ts pins our answer for those.
            fc.pre(false);
            return;
          }
          expect(JSON.stringify(ours(value))).toBe(expected);
        },
      ),
      { numRuns },
    );
  });
});
