import { ManualClock } from '@ballast/core/testing';
import { UnavailableError } from '@ballast/errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { constantBackoff, retry, retryBudget } from '../src/index.js';

describe('retry properties', () => {
  it('never makes more than maxAttempts attempts', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 12 }),
        async (maxAttempts, failures) => {
          let calls = 0;
          const policy = retry({ maxAttempts, backoff: constantBackoff(0) });
          const result = await policy
            .execute(async () => {
              calls++;
              if (calls <= failures) throw new UnavailableError('x');
              return 'ok';
            })
            .catch(() => 'failed');
          expect(calls).toBeLessThanOrEqual(maxAttempts);
          expect(calls).toBe(Math.min(maxAttempts, failures + 1));
          expect(result).toBe(failures < maxAttempts ? 'ok' : 'failed');
        },
      ),
    );
  });

  it('never retries more than the budget allows: minPerSecond·window + ratio·calls', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 3 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 300 })), {
          maxLength: 40,
        }),
        async (ratio, minPerSecond, calls) => {
          const clock = new ManualClock();
          const budget = retryBudget({ ratio, minPerSecond, window: '1s', clock });
          const policy = retry({ maxAttempts: 5, backoff: constantBackoff(0), budget, clock });
          const log: Array<{ at: number; retry: boolean }> = [];
          for (const [failures, gap] of calls) {
            await clock.advance(gap);
            let n = 0;
            await policy
              .execute(async () => {
                log.push({ at: clock.now(), retry: n > 0 });
                if (n++ < failures) throw new UnavailableError('x');
              })
              .catch(() => {});
          }
          // The window is ten 100 ms buckets: it always remembers the last 900 ms and never more
          // than 1 s. The bound holds when a retry is granted; later, the calls that earned it
          // may have left the window while it still counts (seed 209691601 at 300× runs).
          for (const entry of log) {
            if (!entry.retry) continue;
            const within = (ms: number) => log.filter((e) => e.at > entry.at - ms && e.at <= entry.at);
            const retries = within(900).filter((e) => e.retry).length;
            const firsts = within(1_000).filter((e) => !e.retry).length;
            expect(retries).toBeLessThanOrEqual(minPerSecond * 1 + ratio * firsts + 1e-9);
          }
        },
      ),
      {
        examples: [
          [
            0.14285714285714282,
            2,
            [
              [0, 0],
              [0, 0],
              [0, 0],
              [0, 211],
              [0, 256],
              [0, 277],
              [3, 227],
              [0, 29],
            ],
          ],
        ],
      },
    );
  });
});
