import { ManualClock } from '@ballast/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHealth } from '../src/index.js';

describe('check runs under ManualClock', () => {
  it('fails a run exactly when it takes at least its timeout, and then says so', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        async (timeout, takes) => {
          const clock = new ManualClock();
          const health = createHealth({
            clock,
            checks: [{ name: 'dep', timeout, run: () => clock.sleep(takes) }],
          });
          const pending = health.check();
          await clock.advance(Math.max(takes, timeout));
          const entry = (await pending).checks.dep![0]!;
          if (takes < timeout) {
            expect(entry.status).toBe('pass');
            expect(entry.duration).toBe(takes);
          } else {
            expect(entry).toMatchObject({
              status: 'fail',
              output: `timed out after ${timeout} ms`,
              duration: timeout,
            });
          }
        },
      ),
      { numRuns: 50 },
    );
  });

  it('runs a check again only once cacheFor has passed since its last result', async () => {
    const arbProbes = fc.array(fc.integer({ min: 0, max: 3_000 }), { minLength: 1, maxLength: 15 });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2_000 }), arbProbes, async (cacheFor, gaps) => {
        const clock = new ManualClock();
        let runs = 0;
        const health = createHealth({
          clock,
          cacheFor,
          checks: [{ name: 'dep', run: () => void runs++ }],
        });
        let expected = 0;
        let lastRun: number | undefined;
        for (const gap of gaps) {
          await clock.advance(gap);
          if (lastRun === undefined || clock.now() - lastRun >= cacheFor) {
            expected++;
            lastRun = clock.now();
          }
          await health.check();
        }
        expect(runs).toBe(expected);
      }),
      { numRuns: 50 },
    );
  });

  it('shares one run among any number of concurrent probes of any kinds', async () => {
    const arbKinds = fc.array(fc.constantFrom(undefined, 'readiness' as const, 'startup' as const), {
      minLength: 1,
      maxLength: 10,
    });
    await fc.assert(
      fc.asyncProperty(arbKinds, fc.integer({ min: 1, max: 1_000 }), async (kinds, takes) => {
        const clock = new ManualClock();
        let runs = 0;
        const health = createHealth({
          clock,
          checks: [
            {
              name: 'dep',
              kinds: ['readiness', 'startup'],
              run: () => {
                runs++;
                return clock.sleep(takes);
              },
            },
          ],
        });
        const probes = kinds.map((kind) => health.check(kind));
        await clock.advance(takes);
        const reports = await Promise.all(probes);
        expect(runs).toBe(1);
        expect(reports.every((report) => report.status === 'pass')).toBe(true);
      }),
      { numRuns: 50 },
    );
  });
});
