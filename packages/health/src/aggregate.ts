import type { HealthStatus } from '@ballast/core';

/** The least a check must say for {@link aggregateStatus}: its verdict and whether it is critical. */
export interface StatusInput {
  /** The check's verdict. */
  readonly status: HealthStatus;
  /** Whether a `fail` of this check fails the whole service (otherwise it only warns). */
  readonly critical: boolean;
}

const RANK: Readonly<Record<HealthStatus, number>> = { pass: 0, warn: 1, fail: 2 };

/** Orders statuses from best to worst: `pass` < `warn` < `fail`. */
export function statusRank(status: HealthStatus): number {
  return RANK[status];
}

/**
 * Combines check results into one status: any critical fail → `fail`, any
 * non-critical fail or any warn → `warn`, otherwise (including no checks) `pass`.
 * Monotone: making any input worse never makes the result better.
 */
export function aggregateStatus(results: Iterable<StatusInput>): HealthStatus {
  let overall: HealthStatus = 'pass';
  for (const result of results) {
    if (result.status === 'fail') {
      if (result.critical) return 'fail';
      overall = 'warn';
    } else if (result.status === 'warn') {
      overall = 'warn';
    }
  }
  return overall;
}
