import type { Clock } from '@ballast/core';
import { createLogger, fileSink, type Logger, type LogSink, prettySink } from '@ballast/logger';
import { APP, LOG_ROTATION } from './config.js';

/**
 * The CLI's logger: JSON lines to `logFile` (rotated at 1 MiB, three old files kept), and
 * with `verbose` the same lines, readable, on stderr. Redaction is @ballast/logger's default:
 * the bearer token in a logged request's headers, and any secret an error message quotes,
 * are written `[REDACTED]`. A log file that cannot be opened leaves the CLI working without
 * it (`courses doctor` says why).
 */
export function createCliLogger(options: {
  logFile: string;
  verbose: boolean;
  stderr: (text: string) => void;
  clock?: Clock;
}): Logger {
  const clock = options.clock === undefined ? {} : { clock: options.clock };
  const sinks: LogSink[] = [];
  try {
    sinks.push(fileSink({ path: options.logFile, rotate: { ...LOG_ROTATION }, ...clock }));
  } catch (error) {
    if (options.verbose) options.stderr(`courses: no log file: ${(error as Error).message}`);
  }
  if (options.verbose) {
    sinks.push(
      prettySink({
        colors: false,
        destination: { write: (text) => options.stderr(text.replace(/\n$/, '')) },
      }),
    );
  }
  // No file and no --verbose: a logger that writes nothing (createLogger wants a sink).
  const level = sinks.length === 0 ? 'silent' : 'debug';
  if (sinks.length === 0) sinks.push({ name: 'none', write: () => {} });
  return createLogger({ name: APP, level, sinks, trace: false, base: { pid: process.pid }, ...clock });
}
