import { reportProblem } from '../internal/report.js';
import type { LevelName } from '../levels.js';
import { telemetry } from '../telemetry.js';

/**
 * Where log lines go. Built-in sinks come from `stdoutSink()`, `fileSink()`,
 * `syslogSink()` and `prettySink()`; any object with `write` fits. A sink must not
 * throw from `write` (a throw is caught, reported once to stderr and ignored).
 */
export interface LogSink {
  /** A short name used when reporting the sink's failures, e.g. `'file:/var/log/app.log'`. */
  readonly name: string;
  /**
   * The least severe level this sink receives.
   * @defaultValue every line the logger emits
   */
  readonly level?: LevelName | undefined;
  /** Takes one NDJSON line (ending in `\n`) and its numeric level. */
  write(line: string, level: number): void;
  /** Writes everything buffered, synchronously: used on `process.exit` and fatal lines. */
  flushSync?(): void;
  /** Resolves once everything written so far has been handed to the OS or the network. */
  flush?(): Promise<void>;
  /** Flushes, then releases files and sockets; later writes are dropped. */
  close?(): Promise<void>;
}

/** Options every built-in sink accepts. */
export interface SinkOptions {
  /**
   * The least severe level this sink receives.
   * @defaultValue every line the logger emits
   */
  level?: LevelName;
}

const reported = new Set<string>();

/**
 * Reports a sink failure on stderr, once per sink name for the life of the
 * process, and never throws: logging must not take the application down.
 */
export function reportSinkFailure(name: string, error: unknown): void {
  telemetry.instruments()?.sinkFailures.add(1, { 'ballast.logger.sink': name });
  if (reported.has(name)) return;
  reported.add(name);
  let reason: string;
  try {
    reason = error instanceof Error ? error.message : String(error);
  } catch {
    reason = 'an error that cannot be shown';
  }
  reportProblem(`sink ${name} failed: ${reason}; further failures are not reported`);
}

/** Forgets reported failures (for tests). */
export function resetReportedFailures(): void {
  reported.clear();
}
