import { type Clock, formatDuration, systemClock, type TimerHandle } from '@ballast/core';
import type { BallastError } from '../../ballast-error.js';
import { ConfigurationError } from '../../builtins.js';
import { durationOption, integerOption, invalidOption, rejectUnknownKeys } from '../../options.js';
import type { ErrorReporterOptions, Severity } from '../../reporter-types.js';
import { type Redaction, resolveRedactor } from '../redaction.js';
import { SlidingLog } from '../sliding-log.js';

const OWNER = 'createErrorReporter';
const OPTION_KEYS = ['sink', 'dedupeWindow', 'rateLimit', 'redact', 'clock', 'severity'];
const CLOCK_EXPECTED =
  'a Clock with now(), setTimeout(callback, ms) and clearTimeout(handle), such as systemClock or a ManualClock';

/** Severities by urgency: a higher rank is more urgent. */
export const RANK: Readonly<Record<Severity, number>> = { fatal: 3, error: 2, warning: 1, info: 0 };

/** Whether `value` is one of the four severities. */
export function isSeverity(value: unknown): value is Severity {
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
export function unref(handle: TimerHandle): TimerHandle {
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

/** The reporter's options, checked once and resolved to what it runs on. */
export interface ReporterSettings {
  readonly sink: ErrorReporterOptions['sink'];
  readonly clock: Clock;
  readonly severity: (error: BallastError) => Severity;
  readonly redactor: ReturnType<typeof resolveRedactor>;
  /** The dedupe window, ms (0: off). */
  readonly windowMs: number;
  /** The rate limit's log, or `undefined` when `rateLimit: false`. */
  readonly log: SlidingLog | undefined;
  /** The rate limit for people: `'30 per 1m'` or `'off'`. */
  readonly limitText: string;
}

/**
 * Checks every option of `createErrorReporter` and resolves the defaults.
 * @throws ConfigurationError naming the option when one is invalid or unknown.
 */
export function reporterSettings(options: ErrorReporterOptions): ReporterSettings {
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
  return { sink, clock, severity, redactor, windowMs, log, limitText };
}
