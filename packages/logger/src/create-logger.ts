import { hostname } from 'node:os';
import { type Clock, systemClock } from '@ballast/core';
import { invalidOption, rejectUnknownKeys } from '@ballast/errors';
import { createCore } from './internal/core.js';
import { createDedupe, createSampler, type DedupeOptions, type SamplingOptions } from './internal/noise.js';
import { compileRedaction, type RedactOption } from './internal/redaction.js';
import { LEVELS, type LevelName, levelOption } from './levels.js';
import { type Logger, mergeSerializers, rootLogger, type Serializer } from './logger.js';
import type { LogSink } from './sinks/sink.js';
import { stdoutSink } from './sinks/stdout.js';

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  /** Written as `name` on every line. */
  name?: string;
  /**
   * The minimum level written.
   * @defaultValue `'info'`
   */
  level?: LevelName;
  /** Per-module levels by child name: `{ db: 'debug' }` applies to `logger.child({}, { name: 'db' })`. */
  levels?: Record<string, LevelName>;
  /**
   * Redaction. By default the default keys and patterns of `@ballast/redact` are on
   * (secure by default); pass paths (`['req.headers.cookie']`) or an object to add
   * paths, keys, patterns, a censor or `remove`, `{ defaultKeys: false }` and/or
   * `{ defaultPatterns: false }` to drop the default keys or patterns, or `false` to
   * turn redaction off entirely. An unknown key in the object throws.
   * @defaultValue default keys and patterns
   */
  redact?: RedactOption;
  /**
   * Where lines go; each sink may set its own minimum level.
   * @defaultValue `[stdoutSink()]`
   */
  sinks?: LogSink[];
  /**
   * Fields on every line; `null` for none.
   * @defaultValue `{ pid: process.pid, hostname: os.hostname() }`
   */
  base?: Record<string, unknown> | null;
  /**
   * `time` as epoch milliseconds, an ISO 8601 string, or left out.
   * @defaultValue `'epoch'`
   */
  timestamp?: 'epoch' | 'iso' | false;
  /**
   * `level` as its label (`"info"`) or pino's number (`30`).
   * @defaultValue `'label'`
   */
  levelFormat?: 'label' | 'number';
  /** Fold identical warn-or-worse lines within `window`; the next one carries `"repeated": N`. */
  dedupe?: DedupeOptions;
  /** Keep-rate per level (`{ debug: 0.1 }`), deterministic and evenly spread. */
  sampling?: SamplingOptions;
  /**
   * Add the fields of {@link withLogContext} to lines.
   * @defaultValue `true`
   */
  context?: boolean;
  /**
   * Add `trace_id`, `span_id` and `trace_flags` of the active OpenTelemetry span.
   * @defaultValue `true`
   */
  trace?: boolean;
  /**
   * Serializers by top-level field name (pino's `serializers`): `{ req: (req) => ({ url: req.url }) }`
   * writes what the function returns in place of `req`; `err` also applies to an Error passed
   * as first argument. A serializer that throws leaves `'[Unserializable]'`.
   * @defaultValue none
   */
  serializers?: Record<string, Serializer>;
  /** @defaultValue `systemClock` */
  clock?: Clock;
}

const LOGGER_KEYS = [
  'name',
  'level',
  'levels',
  'redact',
  'sinks',
  'base',
  'timestamp',
  'levelFormat',
  'dedupe',
  'sampling',
  'context',
  'trace',
  'serializers',
  'clock',
] as const satisfies ReadonlyArray<keyof LoggerOptions>;

function checkSinks(sinks: unknown): Array<{ sink: LogSink; min: number }> {
  if (!Array.isArray(sinks) || sinks.length === 0)
    throw invalidOption('sinks', sinks, 'a non-empty array of sinks');
  return sinks.map((sink: LogSink, i) => {
    if (typeof sink !== 'object' || sink === null || typeof sink.write !== 'function') {
      throw invalidOption(`sinks[${i}]`, sink, 'a sink: an object with a write(line, level) method');
    }
    return {
      sink,
      min: sink.level === undefined ? LEVELS.trace : levelOption(`sinks[${i}].level`, sink.level),
    };
  });
}

function checkChoice<T extends string | boolean>(option: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T))
    throw invalidOption(option, value, allowed.map((a) => JSON.stringify(a)).join(' or '));
  return value as T;
}

/**
 * Creates a structured JSON logger: one NDJSON line per call, redacted by default,
 * pino-compatible call signatures, child loggers with pre-serialized bindings and
 * a disabled level that costs one comparison.
 *
 * @example
 * const log = createLogger({ name: 'api' });
 * log.info({ userId: 42, password: 'hunter2' }, 'signed in');
 * // {"level":"info","time":1732450000000,"name":"api","pid":1,"hostname":"web-1","userId":42,"password":"[REDACTED]","msg":"signed in"}
 *
 * @throws ConfigurationError for an unknown level, a malformed redact path, a
 * sink without `write`, an unknown option (here, in `redact` or in `dedupe`) or
 * any other invalid option.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  if (typeof options !== 'object' || options === null)
    throw invalidOption('options', options, 'an options object');
  rejectUnknownKeys('createLogger', options, LOGGER_KEYS);
  const { name, clock = systemClock } = options;
  if (name !== undefined && typeof name !== 'string') throw invalidOption('name', name, 'a string');
  const level = levelOption('level', options.level ?? 'info');
  const moduleLevels = new Map<string, number>();
  for (const [module, moduleLevel] of Object.entries(options.levels ?? {})) {
    moduleLevels.set(module, levelOption(`levels.${module}`, moduleLevel));
  }
  const timestamp = checkChoice('timestamp', options.timestamp ?? 'epoch', ['epoch', 'iso', false] as const);
  const levelFormat = checkChoice('levelFormat', options.levelFormat ?? 'label', [
    'label',
    'number',
  ] as const);
  const context = checkChoice('context', options.context ?? true, [true, false] as const);
  const trace = checkChoice('trace', options.trace ?? true, [true, false] as const);
  const scrub = compileRedaction(options.redact);
  const baseFields = options.base === undefined ? { pid: process.pid, hostname: hostname() } : options.base;
  if (baseFields !== null && typeof baseFields !== 'object')
    throw invalidOption('base', baseFields, 'an object or null');
  const sample = createSampler(options.sampling);
  const dedupe = createDedupe(options.dedupe);
  const sinks = checkSinks(options.sinks ?? [stdoutSink()]);
  const core = createCore({
    scrub,
    sinks,
    base: baseFields,
    moduleLevels,
    sample,
    dedupe,
    context,
    trace,
    timestamp,
    levelFormat,
    clock,
  });
  const serializers = mergeSerializers(undefined, options.serializers, 'serializers');
  return rootLogger(core, level, name, { serializers, redact: options.redact, msgPrefix: '' });
}
