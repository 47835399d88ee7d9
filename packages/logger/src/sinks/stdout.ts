import { integerOption } from '@ballast/errors';
import { createBatcher, writeFully } from '../internal/batch.js';
import { flushOnExit } from '../internal/exit.js';
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
}

/**
 * Writes NDJSON lines to standard output, batched off the hot path: lines are
 * joined in memory and written once per event-loop turn. Whatever is buffered is
 * written synchronously on `flush`, `close` and process exit, so no line is lost
 * when the process ends with `process.exit()`.
 *
 * @throws ConfigurationError for an unknown `level` or a bad `fd`.
 */
export function stdoutSink(options: StdoutSinkOptions = {}): LogSink {
  const { journald = false, fd = 1 } = options;
  const level = checkSinkLevel('stdoutSink', options.level);
  integerOption('stdoutSink.fd', fd, 0);
  const name = fd === 1 ? 'stdout' : `fd:${fd}`;
  const batcher = createBatcher(
    (text) => writeFully(fd, text),
    (error) => reportSinkFailure(name, error),
  );
  const unregister = flushOnExit(batcher.flush);
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
    flushSync: batcher.flush,
    flush: async () => batcher.flush(),
    close: async () => {
      batcher.flush();
      open = false;
      unregister();
    },
  };
}
