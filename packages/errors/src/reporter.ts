import { formatDuration, getMeter, systemClock, type TimerHandle } from '@ballast/core';
import type { BallastError } from './ballast-error.js';
import { ConfigurationError } from './builtins.js';
import { fingerprintError } from './fingerprint.js';
import { toJsonSafe } from './internal/json-safe.js';
import { type Redaction, resolveRedactor } from './internal/redaction.js';
import { SlidingLog } from './internal/sliding-log.js';
import { normalizeError } from './normalize-error.js';
import { durationOption, integerOption, invalidOption, rejectUnknownKeys } from './options.js';
import type {
  ErrorReport,
  ErrorReporter,
  ErrorReporterOptions,
  ReportOptions,
  Severity,
} from './reporter-types.js';
import { type SerializedError, serializeError } from './serialize-error.js';

const CONTEXT_LIMITS = Object.freeze({ maxDepth: 8, stack: false });

const OWNER = 'createErrorReporter';
const OPTION_KEYS = ['sink', 'dedupeWindow', 'rateLimit', 'redact', 'clock', 'severity'];
const CLOCK_EXPECTED =
  'a Clock with now(), setTimeout(callback, ms) and clearTimeout(handle), such as systemClock or a ManualClock';

const RANK: Readonly<Record<Severity, number>> = { fatal: 3, error: 2, warning: 1, info: 0 };

function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && Object.hasOwn(RANK, value);
}

function defaultSeverity(error: BallastError): Severity {
  switch (error.category) {
    case 'internal':
    case 'configuration':
      return 'error';
    case 'network':
    case 'timeout':
    case 'unavailable':
    case 'rate_limited':
      return 'warning';
    default:
      return 'info';
  }
}

/** Rejects a clock without the methods the reporter calls, which would otherwise drop every report. */
function checkClock(clock: unknown): void {
  const has = (name: string) => typeof (clock as Record<string, unknown>)[name] === 'function';
  if (
    typeof clock !== 'object' ||
    clock === null ||
    !has('now') ||
    !has('setTimeout') ||
    !has('clearTimeout')
  ) {
    throw invalidOption(`${OWNER}.clock`, clock, CLOCK_EXPECTED);
  }
}

/**
 * Lets the process exit while `handle` is pending. A host clock may hand out handles
 * without `unref` (a number from a fake-timer library): the timer still works.
 */
function unref(handle: TimerHandle): TimerHandle {
  if (typeof (handle as Partial<TimerHandle> | undefined)?.unref === 'function') handle.unref();
  return handle;
}

/**
 * The reporter's redactor. RedactOptions are checked by `@ballast/redact`, whose
 * ConfigurationError names the bad key without its value; anything else is described by
 * its type only, since a misplaced value here may be a secret.
 */
function reporterRedactor(redact: unknown) {
  const kind = typeof redact;
  if (redact === undefined || kind === 'boolean' || kind === 'function') {
    return resolveRedactor(redact as boolean | undefined, true);
  }
  if (kind === 'object' && redact !== null && !Array.isArray(redact)) {
    return resolveRedactor(redact as Redaction, true);
  }
  const expected = 'true, false, a redactor from createRedactor() or RedactOptions';
  const got = redact === null ? 'null' : Array.isArray(redact) ? 'an array' : `a ${kind}`;
  throw new ConfigurationError(`Invalid option ${OWNER}.redact: got ${got}; expected ${expected}.`, {
    details: { option: `${OWNER}.redact`, expected },
    suggestions: [`Set ${OWNER}.redact to ${expected}.`],
  });
}

interface Window {
  readonly fingerprint: string;
  readonly code: string;
  readonly timer: TimerHandle | undefined;
  repeats: number;
  firstRepeat: number;
  lastRepeat: number;
  severity: Severity;
  latest: BallastError | undefined;
  context: Record<string, unknown> | undefined;
}

/**
 * Creates an error reporter for alerting: errors are grouped by fingerprint (code,
 * normalised message, top stack frame); the first occurrence is sent at once, repeats
 * within `dedupeWindow` are folded into one summary with a count and first/last seen,
 * storms beyond `rateLimit` become one "N suppressed" report, and silenced codes are
 * dropped for maintenance windows. The counts of all reports sent, plus silenced
 * occurrences (and `dropped` ones), add up to the number of `report()` calls once flushed. Metrics (meter
 * `@ballast/errors`): `ballast.errors.reported` by `error.code`, `error.category` and
 * `error.severity`, and `ballast.errors.suppressed` by `error.code`.
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
  if (typeof options !== 'object' || options === null) {
    throw invalidOption(OWNER, options, 'an options object with a sink: { sink: (report) => … }');
  }
  rejectUnknownKeys(OWNER, options, OPTION_KEYS);
  const { sink, clock = systemClock, severity = defaultSeverity } = options;
  if (typeof sink !== 'function') {
    throw invalidOption(`${OWNER}.sink`, sink, 'a function receiving each report');
  }
  checkClock(clock);
  if (typeof severity !== 'function') {
    throw invalidOption(
      `${OWNER}.severity`,
      severity,
      "a function (error) => 'fatal' | 'error' | 'warning' | 'info'",
    );
  }
  const redactor = reporterRedactor(options.redact);
  const windowMs = durationOption(`${OWNER}.dedupeWindow`, options.dedupeWindow ?? '1m');
  const limit = options.rateLimit ?? { max: 30, per: '1m' };
  let log: SlidingLog | undefined;
  let perMs = 0;
  if (limit !== false) {
    if (typeof limit !== 'object' || limit === null || Array.isArray(limit)) {
      throw invalidOption(
        `${OWNER}.rateLimit`,
        limit,
        "{ max, per } such as { max: 30, per: '1m' }, or false",
      );
    }
    rejectUnknownKeys(`${OWNER}.rateLimit`, limit, ['max', 'per']);
    integerOption(`${OWNER}.rateLimit.max`, limit.max, 1);
    perMs = durationOption(`${OWNER}.rateLimit.per`, limit.per);
    if (perMs === 0) throw invalidOption(`${OWNER}.rateLimit.per`, limit.per, "a duration > 0, such as '1m'");
    log = new SlidingLog(limit.max, perMs);
  }
  const limitText = limit === false ? 'off' : `${limit.max} per ${formatDuration(perMs)}`;
  const windows = new Map<string, Window>();
  const silences = new Map<string, number>();
  const held = new Map<string, { fingerprint: string; code: string; count: number }>();
  const pending = new Set<Promise<void>>();
  const counters = {
    reported: 0,
    sent: 0,
    folded: 0,
    suppressed: 0,
    silenced: 0,
    sinkErrors: 0,
    dropped: 0,
  };
  const meter = getMeter('errors');
  const reportedMetric = meter.createCounter('ballast.errors.reported', {
    description:
      'Errors reported to an error reporter (silenced ones excluded), by code, category and severity.',
    unit: '{error}',
  });
  const suppressedMetric = meter.createCounter('ballast.errors.suppressed', {
    description: 'Reported errors held back by the error reporter rate limit, by code.',
    unit: '{error}',
  });
  let heldFirst = 0;
  let heldLast = 0;
  let heldSeverity: Severity = 'info';
  let heldTimer: TimerHandle | undefined;
  let closed = false;

  const deliver = (report: ErrorReport): void => {
    counters.sent++;
    try {
      const result = sink(report);
      if (result && typeof result.then === 'function') {
        const tracked: Promise<void> = result.then(
          () => void pending.delete(tracked),
          () => {
            counters.sinkErrors++;
            pending.delete(tracked);
          },
        );
        pending.add(tracked);
      }
    } catch {
      counters.sinkErrors++;
    }
  };

  const sendHeld = (force: boolean): void => {
    heldTimer = undefined;
    if (held.size === 0 || log === undefined) return;
    const total = [...held.values()].reduce((sum, entry) => sum + entry.count, 0);
    const now = clock.now();
    if (!log.tryTake(now)) {
      if (!force) {
        scheduleHeld();
        return;
      }
      log.force(now);
    }
    const suppressed = [...held.values()].sort((a, b) => b.count - a.count);
    held.clear();
    deliver({
      kind: 'suppressed',
      message: `${total} error report${total === 1 ? '' : 's'} suppressed by the rate limit (${limitText})`,
      severity: heldSeverity,
      count: total,
      firstSeen: heldFirst,
      lastSeen: heldLast,
      suppressed,
    });
  };

  const scheduleHeld = (): void => {
    if (heldTimer !== undefined || log === undefined || closed) return;
    heldTimer = unref(clock.setTimeout(() => sendHeld(false), Math.max(1, log.waitFrom(clock.now()))));
  };

  const emit = (report: ErrorReport): void => {
    if (log === undefined || log.tryTake(clock.now())) {
      deliver(report);
      return;
    }
    const fingerprint = report.fingerprint!;
    if (held.size === 0) {
      heldFirst = report.firstSeen;
      heldLast = report.lastSeen;
      heldSeverity = report.severity;
    } else {
      heldFirst = Math.min(heldFirst, report.firstSeen);
      heldLast = Math.max(heldLast, report.lastSeen);
      if (RANK[report.severity] > RANK[heldSeverity]) heldSeverity = report.severity;
    }
    let entry = held.get(fingerprint);
    if (entry === undefined) {
      entry = { fingerprint, code: report.code!, count: 0 };
      held.set(fingerprint, entry);
    }
    entry.count += report.count;
    counters.suppressed += report.count;
    suppressedMetric.add(report.count, { 'error.code': entry.code });
    scheduleHeld();
  };

  const serialize = (error: BallastError): SerializedError =>
    serializeError(error, { redact: redactor ?? false });
  const contextOf = (context: Record<string, unknown>): Record<string, unknown> => {
    const safe = toJsonSafe(context, CONTEXT_LIMITS, 0) as Record<string, unknown>;
    if (redactor === undefined) return safe;
    try {
      return redactor(safe) as Record<string, unknown>;
    } catch {
      // Fail closed: context that cannot be redacted is not sent.
      return { redaction: 'failed' };
    }
  };

  const closeWindow = (window: Window): void => {
    windows.delete(window.fingerprint);
    if (window.timer !== undefined) clock.clearTimeout(window.timer);
    if (window.repeats === 0 || window.latest === undefined) return;
    const error = serialize(window.latest);
    emit({
      kind: 'summary',
      message: `${window.code} repeated ${window.repeats} time${window.repeats === 1 ? '' : 's'} in ${formatDuration(windowMs)}: ${error.message}`,
      severity: window.severity,
      count: window.repeats,
      firstSeen: window.firstRepeat,
      lastSeen: window.lastRepeat,
      fingerprint: window.fingerprint,
      code: window.code,
      error,
      ...(window.context === undefined ? {} : { context: contextOf(window.context) }),
    });
  };

  const isSilenced = (key: string, now: number): boolean => {
    const until = silences.get(key);
    if (until === undefined) return false;
    if (until > now) return true;
    silences.delete(key);
    return false;
  };

  const report = (error: unknown, given: ReportOptions | undefined): string => {
    const reportOptions: ReportOptions = typeof given === 'object' && given !== null ? given : {};
    const err = normalizeError(error);
    const fingerprint = fingerprintError(err);
    if (closed) return fingerprint;
    counters.reported++;
    const now = clock.now();
    if (isSilenced(fingerprint, now) || isSilenced(err.code, now)) {
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
    reportedMetric.add(1, {
      'error.code': err.code,
      'error.category': err.category,
      'error.severity': level,
    });
    const context = reportOptions.context;
    const open = windows.get(fingerprint);
    if (open !== undefined) {
      if (open.repeats === 0) open.firstRepeat = now;
      open.repeats++;
      open.lastRepeat = now;
      open.latest = err;
      open.context = context;
      if (RANK[level] > RANK[open.severity]) open.severity = level;
      counters.folded++;
      return fingerprint;
    }
    if (windowMs > 0) {
      const window: Window = {
        fingerprint,
        code: err.code,
        timer: undefined,
        repeats: 0,
        firstRepeat: now,
        lastRepeat: now,
        severity: level,
        latest: undefined,
        context: undefined,
      };
      (window as { timer: TimerHandle }).timer = unref(clock.setTimeout(() => closeWindow(window), windowMs));
      windows.set(fingerprint, window);
    }
    const serialized = serialize(err);
    emit({
      kind: 'occurrence',
      message: `${err.code}: ${serialized.message}`,
      severity: level,
      count: 1,
      firstSeen: now,
      lastSeen: now,
      fingerprint,
      code: err.code,
      error: serialized,
      ...(context === undefined ? {} : { context: contextOf(context) }),
    });
    return fingerprint;
  };

  const flush = async (): Promise<void> => {
    for (const window of [...windows.values()]) closeWindow(window);
    if (heldTimer !== undefined) clock.clearTimeout(heldTimer);
    sendHeld(true);
    while (pending.size > 0) await Promise.all([...pending]);
  };

  const close = async (): Promise<void> => {
    if (closed) return;
    await flush();
    closed = true;
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
    silence(fingerprintOrCode, until) {
      if (typeof fingerprintOrCode !== 'string' || fingerprintOrCode === '') {
        throw invalidOption('silence fingerprintOrCode', fingerprintOrCode, 'a fingerprint or an error code');
      }
      const end = until instanceof Date ? until.getTime() : until;
      if (typeof end !== 'number' || Number.isNaN(end))
        throw invalidOption('silence until', until, 'a Date or epoch milliseconds');
      silences.set(fingerprintOrCode, end);
      return () => {
        if (silences.get(fingerprintOrCode) === end) silences.delete(fingerprintOrCode);
      };
    },
    flush,
    stats: () => ({ ...counters, active: windows.size }),
    close,
    [Symbol.asyncDispose]: close,
  };
}
