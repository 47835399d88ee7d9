import { isBallastError } from '@ballast/errors';
import { describe, expect, it } from 'vitest';
import {
  BrokenCircuitError,
  BulkheadRejectedError,
  isBrokenCircuitError,
  isBulkheadRejectedError,
} from '../src/index.js';

describe('resilience errors', () => {
  it('recognises its errors by code, including copies that are not instances', () => {
    const broken = new BrokenCircuitError({ breaker: 'db', isolated: false }, { retryAfterMs: 500 });
    const full = new BulkheadRejectedError({ limit: 2, queue: 0, reason: 'full' });
    expect(isBallastError(broken) && broken.retryAfterMs).toBe(500);
    expect(isBrokenCircuitError(broken)).toBe(true);
    expect(isBrokenCircuitError(full)).toBe(false);
    expect(isBulkheadRejectedError(full)).toBe(true);
    const foreign = Object.assign(new Error('x'), {
      code: 'BULKHEAD_REJECTED',
      [Symbol.for('ballast.error')]: true,
    });
    expect(isBulkheadRejectedError(foreign)).toBe(true);
    expect(full.status).toBe(503);
    expect(full.retryable).toBe(true);
    expect(new BulkheadRejectedError({ limit: 1, queue: 1, reason: 'queue_timeout' }).message).toMatch(
      /waited too long/,
    );
  });
});
