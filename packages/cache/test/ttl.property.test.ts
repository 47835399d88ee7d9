import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyJitter,
  createEntry,
  entryState,
  nextAdaptiveTtl,
  refreshDue,
  remainingLife,
} from '../src/index.js';

const time = fc.integer({ min: 0, max: 1e12 });
const duration = fc.integer({ min: 0, max: 1e9 });

describe('TTL maths', () => {
  it('classifies fresh before freshUntil, stale before staleUntil, expired after', () => {
    fc.assert(
      fc.property(
        time,
        duration,
        duration,
        fc.integer({ min: -2e9, max: 2e9 }),
        (now, ttl, grace, offset) => {
          const entry = createEntry('v', [], { now, ttl, grace, jitter: 0, random: 0 });
          const at = now + offset;
          const state = entryState(entry, at);
          if (at < now + ttl) expect(state).toBe('fresh');
          else if (at < now + ttl + grace) expect(state).toBe('stale');
          else expect(state).toBe('expired');
          expect(remainingLife(entry, at)).toBe(Math.max(0, now + ttl + grace - at));
        },
      ),
    );
  });

  it('keeps a jittered TTL within ± jitter of the TTL', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e9 }),
        fc.double({ min: 0, max: 0.99, noNaN: true }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (ttl, jitter, random) => {
          const spread = applyJitter(ttl, jitter, random);
          expect(spread).toBeGreaterThanOrEqual(Math.max(1, Math.floor(ttl * (1 - jitter))));
          expect(spread).toBeLessThanOrEqual(Math.ceil(ttl * (1 + jitter)));
        },
      ),
    );
  });

  it('leaves the TTL alone without jitter, and never jitters a zero TTL', () => {
    fc.assert(
      fc.property(duration, fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (ttl, random) => {
        expect(applyJitter(ttl, 0, random)).toBe(ttl);
        expect(applyJitter(0, 0.5, random)).toBe(0);
      }),
    );
  });

  it('keeps adaptive TTLs within [min, max]: unchanged doubles, changed resets to min', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e6 }),
        fc.integer({ min: 0, max: 1e7 }),
        fc.option(fc.integer({ min: 1, max: 2e7 }), { nil: undefined }),
        fc.boolean(),
        (min, extra, previous, changed) => {
          const range = { min, max: min + extra };
          const next = nextAdaptiveTtl(previous, changed, range);
          expect(next).toBeGreaterThanOrEqual(range.min);
          expect(next).toBeLessThanOrEqual(range.max);
          if (changed || previous === undefined) expect(next).toBe(min);
          else expect(next).toBe(Math.min(range.max, Math.max(range.min, previous * 2)));
        },
      ),
    );
  });

  it('reaches the refresh-ahead point at the given fraction of the fresh life', () => {
    fc.assert(
      fc.property(
        time,
        fc.integer({ min: 10, max: 1e9 }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        (now, ttl, ratio) => {
          const entry = createEntry(1, [], { now, ttl, grace: 0, jitter: 0, random: 0 });
          const point = now + ttl * ratio;
          expect(refreshDue(entry, Math.ceil(point), ratio)).toBe(true);
          if (Math.floor(point) - 1 >= now)
            expect(refreshDue(entry, Math.floor(point) - 1, ratio)).toBe(false);
        },
      ),
    );
  });
});
