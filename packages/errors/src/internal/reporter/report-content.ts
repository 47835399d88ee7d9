import { formatDuration } from '@ballast/core';
import type { BallastError } from '../../ballast-error.js';
import type { ErrorReport, Severity } from '../../reporter-types.js';
import { type SerializedError, serializeError } from '../../serialize-error.js';
import { toJsonSafe } from '../json-safe.js';
import type { FingerprintWindow } from './fingerprint-windows.js';
import type { ReporterSettings } from './settings.js';

const CONTEXT_LIMITS = Object.freeze({ maxDepth: 8, stack: false });

/** Builds the occurrence and summary reports: errors serialized and context made JSON-safe, both redacted. */
export class ReportContent {
  constructor(
    readonly redactor: ReporterSettings['redactor'],
    readonly windowMs: number,
  ) {}

  /** The report of a first occurrence. */
  occurrence(
    error: BallastError,
    fingerprint: string,
    level: Severity,
    context: Record<string, unknown> | undefined,
    now: number,
  ): ErrorReport {
    const serialized = this.#serialize(error);
    return {
      kind: 'occurrence',
      message: `${error.code}: ${serialized.message}`,
      severity: level,
      count: 1,
      firstSeen: now,
      lastSeen: now,
      fingerprint,
      code: error.code,
      error: serialized,
      ...(context === undefined ? {} : { context: this.#context(context) }),
    };
  }

  /** The summary of a window's repeats. */
  summary(window: FingerprintWindow): ErrorReport {
    const error = this.#serialize(window.latest!);
    return {
      kind: 'summary',
      message: `${window.code} repeated ${window.repeats} time${window.repeats === 1 ? '' : 's'} in ${formatDuration(this.windowMs)}: ${error.message}`,
      severity: window.severity,
      count: window.repeats,
      firstSeen: window.firstRepeat,
      lastSeen: window.lastRepeat,
      fingerprint: window.fingerprint,
      code: window.code,
      error,
      ...(window.context === undefined ? {} : { context: this.#context(window.context) }),
    };
  }

  /** The error serialized with the reporter's redaction, as every report carries it. */
  serialize(error: BallastError): SerializedError {
    return this.#serialize(error);
  }

  #serialize(error: BallastError): SerializedError {
    return serializeError(error, { redact: this.redactor ?? false });
  }

  #context(context: Record<string, unknown>): Record<string, unknown> {
    const safe = toJsonSafe(context, CONTEXT_LIMITS, 0) as Record<string, unknown>;
    if (this.redactor === undefined) return safe;
    try {
      return this.redactor(safe) as Record<string, unknown>;
    } catch {
      // Fail closed: context that cannot be redacted is not sent.
      return { redaction: 'failed' };
    }
  }
}
