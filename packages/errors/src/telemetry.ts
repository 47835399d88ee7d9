import { createTelemetry, otelApi } from '@ballast/core';

/**
 * Every span event and metric of `@ballast/errors`: the instruments are created from these
 * definitions and `docs/telemetry.md` is generated from them.
 */
export const telemetry = createTelemetry({
  package: 'errors',
  attributes: {
    'error.type': 'The error code (`NOT_FOUND`, `ECONNRESET`…).',
    'ballast.errors.category': 'The error category (`not_found`, `unavailable`…).',
    'ballast.errors.severity': 'The report severity: info, warning, error or critical.',
    'ballast.errors.fingerprint': 'The fingerprint grouping reports of the same error.',
    'exception.type': 'The error class name (OpenTelemetry exception convention).',
    'exception.message': 'The error message, after the reporter redaction.',
    'exception.stacktrace': 'The stack, after the reporter redaction.',
  },
  spans: [],
  events: [
    {
      name: 'exception',
      description:
        'Added to the active span by `reporter.report(error)` (silenced errors excepted), with the redacted message and stack; the span status is left to its owner.',
      attributes: [
        'exception.type',
        'exception.message',
        'exception.stacktrace',
        'error.type',
        'ballast.errors.category',
        'ballast.errors.severity',
        'ballast.errors.fingerprint',
      ],
    },
  ],
  metrics: {
    reported: {
      name: 'ballast.errors.reported',
      kind: 'counter',
      unit: '{error}',
      description:
        'Errors reported to an error reporter (silenced ones excluded), by code, category and severity.',
      attributes: ['error.type', 'ballast.errors.category', 'ballast.errors.severity'],
    },
    suppressed: {
      name: 'ballast.errors.suppressed',
      kind: 'counter',
      unit: '{error}',
      description: 'Reported errors held back by the error reporter rate limit, by code.',
      attributes: ['error.type'],
    },
  },
});

/** What the `exception` event says about one report. */
export interface ExceptionEvent {
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
  readonly code: string;
  readonly category: string;
  readonly severity: string;
  readonly fingerprint: string;
}

/**
 * Adds an `exception` event to the active span when tracing is on and a recording span
 * is active. `describe` runs only then, so a process without an SDK pays one comparison.
 */
export function recordOnActiveSpan(describe: () => ExceptionEvent): void {
  if (telemetry.tracer() === undefined) return;
  const span = otelApi().trace.getActiveSpan();
  if (span === undefined || !span.isRecording()) return;
  const event = describe();
  span.addEvent('exception', {
    'exception.type': event.name,
    'exception.message': event.message,
    ...(event.stack === undefined ? {} : { 'exception.stacktrace': event.stack }),
    'error.type': event.code,
    'ballast.errors.category': event.category,
    'ballast.errors.severity': event.severity,
    'ballast.errors.fingerprint': event.fingerprint,
  });
}
