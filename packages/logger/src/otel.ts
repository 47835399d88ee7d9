import { invalidOption } from '@ballast/errors';
import { context } from '@opentelemetry/api';
import {
  type AnyValueMap,
  type Logger,
  type LoggerProvider,
  logs,
  SeverityNumber,
} from '@opentelemetry/api-logs';
import { booleanOption, optionsObject } from './internal/options.js';
import { LABELS } from './levels.js';
import { checkSinkLevel } from './sinks/check.js';
import { type LogSink, reportSinkFailure, type SinkOptions } from './sinks/sink.js';

/** Options for {@link otelSink}. */
export interface OtelSinkOptions extends SinkOptions {
  /**
   * The instrumentation scope of the records.
   * @defaultValue `'@ballast/logger'`
   */
  scope?: string;
  /**
   * Keep `pid` and `hostname` as record attributes (the SDK's resource usually carries them).
   * @defaultValue `false`
   */
  processFields?: boolean;
}

const OTEL_KEYS = ['level', 'scope', 'processFields'] as const satisfies ReadonlyArray<keyof OtelSinkOptions>;

/** The OpenTelemetry severity of each logger level (the log data model's ranges). */
const SEVERITY: Readonly<Record<number, SeverityNumber>> = Object.freeze({
  10: SeverityNumber.TRACE,
  20: SeverityNumber.DEBUG,
  30: SeverityNumber.INFO,
  40: SeverityNumber.WARN,
  50: SeverityNumber.ERROR,
  60: SeverityNumber.FATAL,
});

/** Line fields the record carries elsewhere: severity, timestamp, body and span context. */
const RECORD_FIELDS = new Set(['level', 'time', 'msg', 'trace_id', 'span_id', 'trace_flags']);
const PROCESS_FIELDS = new Set(['pid', 'hostname']);

function timestampOf(time: unknown): number | undefined {
  if (typeof time === 'number') return time;
  if (typeof time === 'string') {
    const parsed = Date.parse(time);
    return Number.isNaN(parsed) ? undefined : parsed;
  }
  return undefined;
}

/**
 * Sends every line to the OpenTelemetry logs pipeline as a `LogRecord` through
 * `@opentelemetry/api-logs` (an optional peer dependency: install it to use this sink).
 * The record takes its severity from the level, its body from `msg`, its timestamp from
 * `time`, the active context (so the SDK links it to the current span), and the line's
 * other fields as attributes — the fields as written, after redaction: a secret the
 * logger censors never reaches the exporter. Use it beside `stdoutSink()`; with no SDK
 * registered the records go to the API's no-op logger.
 *
 * @throws ConfigurationError for an unknown option or `level`, a `scope` that is not a
 * non-empty string, or `processFields` that is not a boolean.
 *
 * @example
 * import { otelSink } from '@ballast/logger/otel';
 * const log = createLogger({ name: 'api', sinks: [stdoutSink(), otelSink()] });
 */
export function otelSink(options: OtelSinkOptions = {}): LogSink {
  optionsObject('otelSink', options, OTEL_KEYS);
  const level = checkSinkLevel('otelSink', options.level);
  const scope = options.scope ?? '@ballast/logger';
  if (typeof scope !== 'string' || scope.length === 0) {
    throw invalidOption('otelSink.scope', scope, "a non-empty string, e.g. '@ballast/logger'");
  }
  const keepProcess = booleanOption('otelSink.processFields', options.processFields, false);
  let provider: LoggerProvider | undefined;
  let logger: Logger | undefined;
  let closed = false;
  return {
    name: 'otel',
    level,
    write(line, severity) {
      if (closed) return;
      // Resolved per line and cached per provider: a sink built before the SDK starts
      // sends once it is registered.
      const current = logs.getLoggerProvider();
      if (current !== provider || logger === undefined) {
        provider = current;
        logger = current.getLogger(scope);
      }
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch (error) {
        reportSinkFailure('otel', error);
        return;
      }
      const attributes: AnyValueMap = {};
      for (const key of Object.keys(entry)) {
        if (RECORD_FIELDS.has(key) || (!keepProcess && PROCESS_FIELDS.has(key))) continue;
        attributes[key] = entry[key] as AnyValueMap[string];
      }
      const timestamp = timestampOf(entry.time);
      logger.emit({
        severityNumber: SEVERITY[severity] ?? SeverityNumber.UNSPECIFIED,
        severityText: (LABELS[severity] ?? String(severity)).toUpperCase(),
        ...(entry.msg === undefined ? {} : { body: entry.msg as string }),
        ...(timestamp === undefined ? {} : { timestamp }),
        attributes,
        context: context.active(),
      });
    },
    async close() {
      closed = true;
    },
  };
}
