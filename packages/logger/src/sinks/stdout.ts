import { integerOption, sizeOption } from '@ballast/errors';
import { createBatcher, fdWriter } from '../internal/batch.js';
import { flushOnExit } from '../internal/exit.js';
import { booleanOption, optionsObject } from '../internal/options.js';
import { syslogSeverity } from '../levels.js';
import { checkSinkLevel } from './check.js';
import { type LogSink, reportSinkFailure, type SinkOptions } from './sink.js';

/** Options for {@link stdoutSink}. */
export interface StdoutSinkOptions extends SinkOptions {
  /**
   * Prefix each line with its syslog priority (`<6>` for info, `<3>` for error…),
   * which systemd-journald reads as the entry's priority and strips.
   * @defaultValue `false`
   */
  journald?: boolean;
  /**
   * The file descriptor to write to (2 for stderr).
   * @defaultValue `1`
   */
  fd?: number;
  /**
   * Bytes kept in memory while the reader of a pipe is slow or paused (bytes, or
   * `'512KB'`, `'16MB'`). Past it, new lines are dropped and counted; once the reader
   * catches up a warn line `{"msg":"@ballast/logger dropped N lines …","dropped":N}`
   * is written where they are missing.
   * @defaultValue `'16MB'`
   */
  maxBuffer?: number | string;
}

const STDOUT_KEYS = ['level', 'journald', 'fd', 'maxBuffer'] as const satisfies ReadonlyArray<
  keyof StdoutSinkOptions
>;

/** The line a batched sink writes where `dropped` lines are missing. */
export function dropNote(name: string, dropped: number, prefix = ''): string {
  return `${prefix}{"level":"warn","time":${Date.now()},"msg":"@ballast/logger dropped ${dropped} lines: sink ${JSON.stringify(name).slice(1, -1)} could not write them","dropped":${dropped}}\n`;
}

/**
 * Writes NDJSON lines to standard output, batched off the hot path: lines are
 * joined in memory and written once per event-loop turn, never blocking the event
 * loop. When stdout is a pipe whose reader is slow or paused, unwritten lines stay
 * queued (up to `maxBuffer`) and are retried on a short timer; `flush()` and
 * `close()` resolve once the queue is written. On process exit (and `flushSync`)
 * the queue is written synchronously, waiting for the reader as long as it keeps
 * taking bytes (giving up after 10 s without progress), so no line is lost when
 * the process ends with `process.exit()`.
 *
 * @throws ConfigurationError for an unknown `level`, a bad `fd`, `maxBuffer` or `journald`,
 * or an unknown option.
 */
export function stdoutSink(options: StdoutSinkOptions = {}): LogSink {
  optionsObject('stdoutSink', options, STDOUT_KEYS);
  const { fd = 1 } = options;
  const journald = booleanOption('stdoutSink.journald', options.journald, false);
  const level = checkSinkLevel('stdoutSink', options.level);
  integerOption('stdoutSink.fd', fd, 0);
  const maxBuffer = sizeOption('stdoutSink.maxBuffer', options.maxBuffer ?? '16MB', 1);
  const name = fd === 1 ? 'stdout' : `fd:${fd}`;
  const batcher = createBatcher({
    write: fdWriter(() => fd),
    onError: (error) => reportSinkFailure(name, error),
    note: (dropped) => dropNote(name, dropped, journald ? '<4>' : ''),
    maxBuffer,
  });
  const unregister = flushOnExit(batcher.flushSync);
  let open = true;
  return {
    name,
    level,
    write: journald
      ? (line, lv) => {
          if (open) batcher.push(`<${syslogSeverity(lv)}>${line}`);
        }
      : (line) => {
          if (open) batcher.push(line);
        },
    flushSync: batcher.flushSync,
    flush: () => batcher.drained(),
    close: async () => {
      await batcher.drained();
      open = false;
      unregister();
    },
  };
}
