import type { ErrorReporterStats } from '../../reporter-types.js';
/** The reporter's counters (what `stats()` shows, but `active`). */
export type ReporterCounters = Omit<ErrorReporterStats, 'active'>;

/** Counters at zero. */
export function newCounters(): ReporterCounters {
  return { reported: 0, sent: 0, folded: 0, suppressed: 0, silenced: 0, sinkErrors: 0, dropped: 0 };
}
