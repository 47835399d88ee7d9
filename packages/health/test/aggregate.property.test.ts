import type { HealthStatus } from '@ballast/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aggregateStatus, statusRank } from '../src/aggregate.js';

const arbStatus = fc.constantFrom<HealthStatus>('pass', 'warn', 'fail');
const arbResults = fc.array(fc.record({ status: arbStatus, critical: fc.boolean() }), { maxLength: 12 });

describe('aggregateStatus', () => {
  it('is monotone: turning any check worse never improves the overall status', () => {
    fc.assert(
      fc.property(arbResults, fc.nat(), arbStatus, (results, pick, worse) => {
        fc.pre(results.length > 0);
        const index = pick % results.length;
        const before = results[index]!;
        fc.pre(statusRank(worse) >= statusRank(before.status));
        const after = results.map((result, i) => (i === index ? { ...result, status: worse } : result));
        expect(statusRank(aggregateStatus(after))).toBeGreaterThanOrEqual(
          statusRank(aggregateStatus(results)),
        );
      }),
    );
  });

  it('is monotone: making a failing check critical never improves the overall status', () => {
    fc.assert(
      fc.property(arbResults, fc.nat(), (results, pick) => {
        fc.pre(results.length > 0);
        const index = pick % results.length;
        const after = results.map((result, i) => (i === index ? { ...result, critical: true } : result));
        expect(statusRank(aggregateStatus(after))).toBeGreaterThanOrEqual(
          statusRank(aggregateStatus(results)),
        );
      }),
    );
  });

  it('fails exactly when a critical check fails, warns on any other non-pass, else passes', () => {
    fc.assert(
      fc.property(arbResults, (results) => {
        const expected = results.some((r) => r.critical && r.status === 'fail')
          ? 'fail'
          : results.some((r) => r.status !== 'pass')
            ? 'warn'
            : 'pass';
        expect(aggregateStatus(results)).toBe(expected);
      }),
    );
  });

  it('does not depend on the order of the checks', () => {
    fc.assert(
      fc.property(arbResults, (results) => {
        expect(aggregateStatus([...results].reverse())).toBe(aggregateStatus(results));
      }),
    );
  });

  it('passes with no checks', () => {
    expect(aggregateStatus([])).toBe('pass');
  });
});
