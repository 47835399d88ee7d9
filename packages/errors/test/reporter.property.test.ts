import { ManualClock } from '@ballast/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createErrorReporter, type ErrorReport, InternalError, NotFoundError } from '../src/index.js';

const kinds = ['alpha', 'beta', 'gamma', 'delta'].map((word, i) =>
  i % 2 === 0 ? new InternalError(`${word} failed`) : new NotFoundError(`${word} missing`),
);

type Run = { max: number; per: number; window: number; steps: { gap: number; kind: number }[] };

const arbRun: fc.Arbitrary<Run> = fc.record({
  max: fc.integer({ min: 1, max: 5 }),
  per: fc.integer({ min: 50, max: 5000 }),
  window: fc.integer({ min: 0, max: 3000 }),
  steps: fc.array(
    fc.record({
      gap: fc.integer({ min: 0, max: 2000 }),
      kind: fc.integer({ min: 0, max: kinds.length - 1 }),
    }),
    { minLength: 1, maxLength: 40 },
  ),
});

async function drive(run: Run) {
  const clock = new ManualClock();
  const sent: { at: number; report: ErrorReport }[] = [];
  const reporter = createErrorReporter({
    clock,
    dedupeWindow: run.window,
    rateLimit: { max: run.max, per: run.per },
    sink: (report) => {
      sent.push({ at: clock.now(), report });
    },
  });
  for (const step of run.steps) {
    if (step.gap > 0) await clock.advance(step.gap);
    reporter.report(kinds[step.kind]);
  }
  return { clock, sent, reporter };
}

describe('error reporter invariants', () => {
  it('never emits more than its rate limit in any window of the limit length', async () => {
    await fc.assert(
      fc.asyncProperty(arbRun, async (run) => {
        const { clock, sent } = await drive(run);
        await clock.advance(run.window + run.per * (run.steps.length + 2));
        for (const { at } of sent) {
          const inWindow = sent.filter((s) => s.at >= at && s.at < at + run.per).length;
          expect(inWindow).toBeLessThanOrEqual(run.max);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('counts of the reports sent add up to the number of reports, once timers have run', async () => {
    await fc.assert(
      fc.asyncProperty(arbRun, async (run) => {
        const { clock, sent, reporter } = await drive(run);
        await clock.advance(run.window + run.per * (run.steps.length + 2));
        const total = sent.reduce((sum, s) => sum + s.report.count, 0);
        expect(total).toBe(run.steps.length);
        expect(reporter.stats().reported).toBe(run.steps.length);
      }),
      { numRuns: 60 },
    );
  });

  it('counts of the reports sent add up to the number of reports after flush', async () => {
    await fc.assert(
      fc.asyncProperty(arbRun, async (run) => {
        const { sent, reporter } = await drive(run);
        await reporter.flush();
        const total = sent.reduce((sum, s) => sum + s.report.count, 0);
        expect(total).toBe(run.steps.length);
        const stats = reporter.stats();
        expect(stats.sent).toBe(sent.length);
      }),
      { numRuns: 60 },
    );
  });
});
