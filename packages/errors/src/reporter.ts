import { fingerprintError } from './fingerprint.js';
import { newCounters } from './internal/reporter/counters.js';
import { FingerprintWindows } from './internal/reporter/fingerprint-windows.js';
import { ReportContent } from './internal/reporter/report-content.js';
import { isSeverity, reporterSettings } from './internal/reporter/settings.js';
import { Silences } from './internal/reporter/silences.js';
import { SinkDelivery } from './internal/reporter/sink-delivery.js';
import { StormSuppression } from './internal/reporter/storm-suppression.js';
import { normalizeError } from './normalize-error.js';
import type { ErrorReporter, ErrorReporterOptions, ReportOptions, Severity } from './reporter-types.js';
import { recordOnActiveSpan, telemetry } from './telemetry.js';

/**
 * Creates an error reporter for alerting: errors are grouped by fingerprint (code,
 * normalised message, top stack frame); the first occurrence is sent at once, repeats
 * within `dedupeWindow` are folded into one summary with a count and first/last seen,
 * storms beyond `rateLimit` become one "N suppressed" report, and silenced codes are
 * dropped for maintenance windows. The counts of all reports sent, plus silenced
 * occurrences (and `dropped` ones), add up to the number of `report()` calls once flushed. Metrics (meter
 * `@ballast/errors`): `ballast.errors.reported` by `error.type`, `ballast.errors.category`
 * and `ballast.errors.severity`, and `ballast.errors.suppressed` by `error.type`; each
 * report also adds an `exception` event to the active span.
 *
 * @throws ConfigurationError naming the option when one is invalid (a `clock` without
 * `now`/`setTimeout`/`clearTimeout`, a `severity` that is not a function, a bad duration)
 * or unknown (`dedupWindow` → did you mean `dedupeWindow`?), so a typo cannot leave a
 * reporter that silently drops reports.
 * @example
 * const reporter = createErrorReporter({ sink: (r) => alerts.send(r), redact: createRedactor() });
 * process.on('uncaughtException', (err) => reporter.report(err, { severity: 'fatal' }));
 */
export function createErrorReporter(options: ErrorReporterOptions): ErrorReporter {
  const { sink, clock, severity, redactor, windowMs, log, limitText } = reporterSettings(options);
  const counters = newCounters();
  const delivery = new SinkDelivery(sink, counters);
  const storms = new StormSuppression(log, limitText, clock, delivery, counters);
  const content = new ReportContent(redactor, windowMs);
  const windows = new FingerprintWindows(windowMs, clock, counters, (window) =>
    storms.emit(content.summary(window)),
  );
  const silences = new Silences();
  let closed = false;

  const report = (error: unknown, given: ReportOptions | undefined): string => {
    const reportOptions: ReportOptions = typeof given === 'object' && given !== null ? given : {};
    const err = normalizeError(error);
    const fingerprint = fingerprintError(err);
    if (closed) return fingerprint;
    counters.reported++;
    const now = clock.now();
    if (silences.has(fingerprint, now) || silences.has(err.code, now)) {
      counters.silenced++;
      return fingerprint;
    }
    let level: Severity | undefined = reportOptions.severity;
    if (!isSeverity(level)) {
      try {
        level = severity(err);
      } catch {
        level = 'error';
      }
    }
    // An unknown severity (a typo in a call, a severity function's bug) must not lose the report.
    if (!isSeverity(level)) level = 'error';
    const severityOf: Severity = level;
    telemetry.instruments()?.reported.add(1, {
      'error.type': err.code,
      'ballast.errors.category': err.category,
      'ballast.errors.severity': level,
    });
    recordOnActiveSpan(() => {
      const safe = content.serialize(err);
      return {
        name: safe.name,
        message: safe.message,
        stack: safe.stack,
        code: err.code,
        category: err.category,
        severity: severityOf,
        fingerprint,
      };
    });
    const context = reportOptions.context;
    if (windows.fold(fingerprint, err, level, context, now)) return fingerprint;
    windows.open(fingerprint, err.code, level, now);
    storms.emit(content.occurrence(err, fingerprint, level, context, now));
    return fingerprint;
  };

  const flush = async (): Promise<void> => {
    windows.closeAll();
    storms.flush();
    await delivery.settle();
  };

  const close = async (): Promise<void> => {
    if (closed) return;
    await flush();
    closed = true;
    storms.closed = true;
  };

  return {
    report: (error, reportOptions) => {
      try {
        return report(error, reportOptions);
      } catch {
        // Only a host-supplied piece (the clock) can throw here; count the loss, never hide it.
        counters.dropped++;
        return '';
      }
    },
    silence: (fingerprintOrCode, until) => silences.add(fingerprintOrCode, until),
    flush,
    stats: () => ({ ...counters, active: windows.size }),
    close,
    [Symbol.asyncDispose]: close,
  };
}
