import type { Clock, Duration } from '@ballast/core';
import type { BallastError } from './ballast-error.js';
import type { Redaction, SerializedError } from './serialize-error.js';

/** How urgent a report is, most urgent first. */
export type Severity = 'fatal' | 'error' | 'warning' | 'info';

/** What the reporter sends to its sink. */
export interface ErrorReport {
  /**
   * `'occurrence'`: the first of its fingerprint in a window, sent at once.
   * `'summary'`: the repeats folded during a window. `'suppressed'`: what the rate limit held back.
   */
  kind: 'occurrence' | 'summary' | 'suppressed';
  /** One line for humans: `'NETWORK_ERROR repeated 41 times in 1m: connect ECONNREFUSED…'`. */
  message: string;
  /** How urgent it is: the most urgent severity among the occurrences it stands for. */
  severity: Severity;
  /** How many reported errors this report stands for. */
  count: number;
  /** When the first and the last of them were reported (epoch ms). */
  firstSeen: number;
  /** When the last of them was reported (epoch ms). */
  lastSeen: number;
  /** Absent on `'suppressed'` reports. */
  fingerprint?: string;
  /** The error code of the fingerprint; absent on `'suppressed'` reports. */
  code?: string;
  /** The latest occurrence, serialized and redacted. */
  error?: SerializedError;
  /** The context passed with the latest occurrence. */
  context?: Record<string, unknown>;
  /** On `'suppressed'` reports: what was held back, by fingerprint, largest first. */
  suppressed?: { fingerprint: string; code: string; count: number }[];
}

/** Counters since the reporter was created. */
export interface ErrorReporterStats {
  /** Calls to `report()`. */
  reported: number;
  /** Reports handed to the sink. */
  sent: number;
  /** Occurrences folded into summaries so far. */
  folded: number;
  /** Occurrences held back by the rate limit. */
  suppressed: number;
  /** Occurrences dropped because their fingerprint or code was silenced. */
  silenced: number;
  /** Sink calls that threw or rejected. */
  sinkErrors: number;
  /** `report()` calls lost to a failure inside the reporter, such as a clock whose `now()` throws. */
  dropped: number;
  /** Fingerprints with an open dedupe window. */
  active: number;
}

/** Options for {@link createErrorReporter}. */
export interface ErrorReporterOptions {
  /** Receives every report; a throwing or rejecting sink is counted in `stats().sinkErrors`. */
  sink: (report: ErrorReport) => void | Promise<void>;
  /**
   * Repeats of a fingerprint within this window after its first occurrence are folded
   * into one summary sent when the window ends; `0` sends every occurrence.
   * @defaultValue `'1m'`
   */
  dedupeWindow?: Duration;
  /**
   * At most `max` reports reach the sink in any `per` interval; the rest are counted
   * and announced by one `'suppressed'` report once there is room. `false` disables it.
   * @defaultValue `{ max: 30, per: '1m' }`
   */
  rateLimit?: { max: number; per: Duration } | false;
  /**
   * Redacts each serialized error and context through `@ballast/redact`: a redactor,
   * `RedactOptions`, `true` for the default keys and patterns, or `false`.
   * @defaultValue `true`
   */
  redact?: Redaction;
  /**
   * The source of time for windows and the rate limit: `now`, `setTimeout` and
   * `clearTimeout` are used (and a timer handle's `unref()`, when it has one).
   * @defaultValue `systemClock`
   */
  clock?: Clock;
  /**
   * The severity of an error when `report()` is not given one; a result that is not a
   * {@link Severity}, or a throw, counts as `'error'`.
   * @defaultValue `'error'` for internal and configuration errors, `'warning'` for
   * dependency failures (network, timeout, unavailable, rate limited), `'info'` otherwise
   */
  severity?: (error: BallastError) => Severity;
}

/** Per-occurrence extras for {@link ErrorReporter.report}. */
export interface ReportOptions {
  /** How urgent this occurrence is. @defaultValue the reporter's `severity(error)`; an unknown value counts as not given */
  severity?: Severity;
  /** JSON-safe facts about this occurrence (request id, job name). */
  context?: Record<string, unknown>;
}

/** An error aggregator for alerting; see {@link createErrorReporter}. */
export interface ErrorReporter {
  /** Reports an error (anything thrown); returns its fingerprint. Never throws. */
  report(error: unknown, options?: ReportOptions): string;
  /** Drops reports of a fingerprint or code until `until` (epoch ms or Date); returns an undo function. */
  silence(fingerprintOrCode: string, until: number | Date): () => void;
  /**
   * Ends every open window now (sending their summaries), sends the suppressed count
   * even when the rate limit is reached (so nothing is lost at shutdown: at most one
   * report beyond the limit), and waits for pending sink promises.
   */
  flush(): Promise<void>;
  /** Counters since the reporter was created. */
  stats(): ErrorReporterStats;
  /** Flushes, then ignores further reports and cancels every timer. */
  close(): Promise<void>;
  /** Closes the reporter, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}
