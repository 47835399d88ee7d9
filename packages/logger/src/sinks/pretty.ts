import { inspect } from 'node:util';
import { invalidOption } from '@ballast/errors';
import { booleanOption, optionsObject } from '../internal/options.js';
import { LABELS } from '../levels.js';
import { checkSinkLevel } from './check.js';
import { type LogSink, reportSinkFailure, type SinkOptions } from './sink.js';

/** Options for {@link prettySink}. */
export interface PrettySinkOptions extends SinkOptions {
  /**
   * Colour the level and dim the fields.
   * @defaultValue `true` when the destination is a TTY
   */
  colors?: boolean;
  /**
   * Where to write.
   * @defaultValue `process.stdout`
   */
  destination?: { write(text: string): unknown; isTTY?: boolean };
}

const PRETTY_KEYS = ['level', 'colors', 'destination'] as const satisfies ReadonlyArray<
  keyof PrettySinkOptions
>;

const COLORS: Record<string, string> = {
  trace: '\x1b[90m',
  debug: '\x1b[36m',
  info: '\x1b[32m',
  warn: '\x1b[33m',
  error: '\x1b[31m',
  fatal: '\x1b[41m\x1b[97m',
};
const RESET = '\x1b[0m';
const DIM = '\x1b[2m';
const SKIP = new Set(['level', 'time', 'msg', 'name', 'pid', 'hostname', 'err']);

function clock(time: unknown): string {
  const date = typeof time === 'number' || typeof time === 'string' ? new Date(time) : new Date();
  return Number.isNaN(date.getTime()) ? '--:--:--.---' : date.toISOString().slice(11, 23);
}

/**
 * Formats a JSON line for a human: `12:00:01.123 INFO  api: listening {port: 8080}`,
 * then the error stack on its own lines. Meant for development; use
 * `stdoutSink()` in production.
 */
export function formatPretty(line: string, colors: boolean): string {
  const entry = JSON.parse(line) as Record<string, unknown>;
  const label =
    typeof entry.level === 'number' ? (LABELS[entry.level] ?? String(entry.level)) : String(entry.level);
  const level = label.toUpperCase().padEnd(5);
  const name = typeof entry.name === 'string' ? `${entry.name}: ` : '';
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entry)) if (!SKIP.has(key)) rest[key] = value;
  const fields =
    Object.keys(rest).length === 0
      ? ''
      : ` ${inspect(rest, { colors, depth: 4, breakLength: Number.POSITIVE_INFINITY })}`;
  const err = entry.err as { stack?: unknown } | undefined;
  const stack = err && typeof err.stack === 'string' ? `\n  ${err.stack.split('\n').join('\n  ')}` : '';
  const head = colors
    ? `${DIM}${clock(entry.time)}${RESET} ${COLORS[label] ?? ''}${level}${RESET}`
    : `${clock(entry.time)} ${level}`;
  return `${head} ${name}${entry.msg ?? ''}${fields}${stack}\n`;
}

/**
 * Writes lines in a readable, coloured form for development. Not for
 * production: it parses every line back into an object to format it.
 *
 * @throws ConfigurationError for an unknown `level` or option, `colors` that is not a
 * boolean, or a `destination` without `write`.
 */
export function prettySink(options: PrettySinkOptions = {}): LogSink {
  optionsObject('prettySink', options, PRETTY_KEYS);
  const destination = options.destination ?? process.stdout;
  if (typeof destination !== 'object' || destination === null || typeof destination.write !== 'function') {
    throw invalidOption('prettySink.destination', destination, 'a stream: an object with write(text)');
  }
  const level = checkSinkLevel('prettySink', options.level);
  const colors = booleanOption('prettySink.colors', options.colors, destination.isTTY === true);
  return {
    name: 'pretty',
    level,
    write(line) {
      try {
        destination.write(formatPretty(line, colors));
      } catch (error) {
        reportSinkFailure('pretty', error);
      }
    },
  };
}
