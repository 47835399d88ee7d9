import type { Clock, Duration } from '@ballast/core';
import { createErrorReporter, type ErrorReport, type ErrorReporter, type Severity } from '@ballast/errors';
import type { Logger } from '@ballast/logger';

/** How the service groups and limits its error reports. */
export interface ErrorReportSettings {
  /** Repeats of one error within this window become one counted summary. @defaultValue `'1m'` */
  dedupeWindow?: Duration;
  /** At most `max` reports per `per` reach the sink; the rest become one "N suppressed" report. @defaultValue `{ max: 5, per: '1m' }` */
  rateLimit?: { max: number; per: Duration };
  /** The source of time of the windows (tests pass a `ManualClock`). @defaultValue `systemClock` */
  clock?: Clock;
}

/** One active silence, as `GET /admin/silences` lists it. */
export interface Silence {
  id: string;
  /** The error code (`UNAVAILABLE`) or fingerprint silenced. */
  match: string;
  /** When it ends (ISO 8601). */
  until: string;
  reason: string;
  /** Who created it. */
  actor: string;
}

/** The service's error reporter and its silences (maintenance windows). */
export interface ErrorReports {
  readonly reporter: ErrorReporter;
  /** Silences `match` (a code or a fingerprint) until `until`; replaces an earlier silence of it. */
  silence(match: string, until: number, reason: string, actor: string): Silence;
  /** Lifts a silence; `false` when there is none with that id. */
  unsilence(id: string): boolean;
  /** The silences that have not ended. */
  silences(): Silence[];
}

const LEVEL = { fatal: 'fatal', error: 'error', warning: 'warn', info: 'info' } as const satisfies Record<
  Severity,
  string
>;

/**
 * The error reporter for alerting, with the service's log as its sink: the first
 * occurrence of an error goes out at once as an `error report` line, repeats within
 * `dedupeWindow` are folded into one summary line with a count and first/last seen, and
 * past `rateLimit` a storm of distinct errors becomes one `suppressed` line with the counts
 * per fingerprint (and `ballast_errors_suppressed_total` on `/metrics`). A log line is the
 * sink because that is where the on-call looks already; a pager or a chat webhook is one
 * more function of the same shape. Silences drop the reports of a code or fingerprint for
 * a maintenance window or a known incident (set by an admin through `/admin/silences`).
 */
export function createErrorReports(logger: Logger, settings: ErrorReportSettings = {}): ErrorReports {
  const sink = (report: ErrorReport): void => {
    const {
      kind,
      message,
      severity,
      count,
      firstSeen,
      lastSeen,
      fingerprint,
      code,
      error,
      context,
      suppressed,
    } = report;
    logger[LEVEL[severity]](
      {
        report: {
          kind,
          severity,
          count,
          first_seen: new Date(firstSeen).toISOString(),
          last_seen: new Date(lastSeen).toISOString(),
          ...(code === undefined ? {} : { code, fingerprint }),
          ...(context === undefined ? {} : { context }),
          ...(suppressed === undefined ? {} : { suppressed }),
        },
        ...(error === undefined ? {} : { err: error }),
      },
      `error report: ${message}`,
    );
  };
  const reporter = createErrorReporter({
    sink,
    dedupeWindow: settings.dedupeWindow ?? '1m',
    rateLimit: settings.rateLimit ?? { max: 5, per: '1m' },
    ...(settings.clock === undefined ? {} : { clock: settings.clock }),
  });
  const now = () => (settings.clock ?? Date).now();
  const active = new Map<string, Silence & { undo: () => void; ends: number }>();
  let next = 0;
  const prune = () => {
    for (const [id, silence] of active) if (silence.ends <= now()) active.delete(id);
  };
  return {
    reporter,
    silence(match, until, reason, actor) {
      prune();
      for (const [id, silence] of active) {
        if (silence.match === match) {
          silence.undo();
          active.delete(id);
        }
      }
      const undo = reporter.silence(match, until);
      const silence = { id: `s${++next}`, match, until: new Date(until).toISOString(), reason, actor };
      active.set(silence.id, { ...silence, undo, ends: until });
      return silence;
    },
    unsilence(id) {
      prune();
      const silence = active.get(id);
      if (silence === undefined) return false;
      silence.undo();
      active.delete(id);
      return true;
    },
    silences() {
      prune();
      return [...active.values()].map(({ id, match, until, reason, actor }) => ({
        id,
        match,
        until,
        reason,
        actor,
      }));
    },
  };
}
