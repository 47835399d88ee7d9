import type { Clock, LoggerLike } from '@ballast/core';
import { LABELS } from '../levels.js';
import type { Dedupe } from '../noise.js';
import { type LogSink, reportSinkFailure } from '../sinks/sink.js';
import { countDropped, LEVEL_ATTRIBUTES, telemetry } from '../telemetry.js';
import { ERR_KEY, LEVEL_KEY, MSG_KEY, NAME_KEY, REPEATED_KEY, reservedKeys, TIME_KEY } from './line-keys.js';
import type { PathNode, Scrub } from './scrub.js';
import { sharedFieldsJson, valueJson } from './serialize.js';

/** What every logger of one `createLogger` call shares: sinks, redaction, format. */
export interface Core {
  readonly scrub: Scrub;
  /** The redaction path node below `err`, for errors passed as first argument. */
  readonly errPath: PathNode | undefined;
  /** The lowest minimum level over all sinks: nothing below it is worth formatting. */
  readonly sinkMin: number;
  /** Serialized `base` members, and as written on a line with trace ids. */
  readonly base: string;
  readonly tracedBase: string;
  /**
   * The line keys every line writes (`level`, and `time` unless turned off), as reserved in
   * a call's own fields (`reservedKeys` of `line-keys.ts`).
   */
  readonly lineKeys: number;
  /**
   * The line keys a field written on many lines (base, bindings, context) must not repeat:
   * all the line may write, but the trace ids, which have their own variant of each.
   */
  readonly sharedKeys: number;
  /** `sharedKeys` as reserved in those fields (`reservedKeys`). */
  readonly sharedReserved: number;
  /** The least level on which `dedupe` may add `repeated` (never without dedupe). */
  readonly repeatFrom: number;
  readonly moduleLevels: ReadonlyMap<string, number>;
  readonly sample: ((level: number) => boolean) | undefined;
  readonly context: boolean;
  readonly trace: boolean;
  /** The redacting serializer, for printf arguments. */
  json(value: unknown): string;
  emit(level: number, body: string): void;
  flushSync(): void;
  flush(): Promise<void>;
  close(): Promise<void>;
  handleExit(logger: LoggerLike): () => void;
}

/** The settled configuration a core is built from. */
export interface CoreConfig {
  scrub: Scrub;
  sinks: Array<{ sink: LogSink; min: number }>;
  /** Fields on every line, or null. */
  base: object | null;
  moduleLevels: Map<string, number>;
  sample: ((level: number) => boolean) | undefined;
  dedupe: Dedupe | undefined;
  context: boolean;
  trace: boolean;
  timestamp: 'epoch' | 'iso' | false;
  levelFormat: 'label' | 'number';
  clock: Clock;
}

function safely(sink: LogSink, fn: () => void): void {
  try {
    fn();
  } catch (error) {
    reportSinkFailure(sink.name, error);
  }
}

/** Builds the shared core: the line assembly and the fan-out to sinks. */
export function createCore(config: CoreConfig): Core {
  const { sinks, dedupe, clock, scrub } = config;
  const chunks: string[] = [];
  for (const [value, label] of Object.entries(LABELS)) {
    chunks[Number(value)] = config.levelFormat === 'number' ? `{"level":${value}` : `{"level":"${label}"`;
  }
  const time =
    config.timestamp === 'epoch'
      ? () => `,"time":${clock.now()}`
      : config.timestamp === 'iso'
        ? () => `,"time":"${new Date(clock.now()).toISOString()}"`
        : () => '';
  let open = true;

  const write = (level: number, body: string): void => {
    const line = `${chunks[level]}${time()}${body}}\n`;
    telemetry.instruments()?.lines.add(1, LEVEL_ATTRIBUTES[level]);
    for (let i = 0; i < sinks.length; i++) {
      const entry = sinks[i] as { sink: LogSink; min: number };
      if (level < entry.min) continue;
      try {
        entry.sink.write(line, level);
      } catch (error) {
        reportSinkFailure(entry.sink.name, error);
      }
    }
  };

  const drainDuplicates = (): void => {
    if (dedupe === undefined || !open) return;
    for (const { body, level } of dedupe.drain()) write(level, body);
  };

  const flushSync = (): void => {
    drainDuplicates();
    for (const { sink } of sinks) if (sink.flushSync) safely(sink, () => sink.flushSync?.());
  };

  const settle = async (sink: LogSink, fn: (() => Promise<void>) | undefined): Promise<void> => {
    try {
      await fn?.call(sink);
    } catch (error) {
      reportSinkFailure(sink.name, error);
    }
  };

  const paths = scrub.paths;
  const written = LEVEL_KEY | (config.timestamp === false ? 0 : TIME_KEY);
  const sharedKeys = written | NAME_KEY | MSG_KEY | ERR_KEY | (dedupe === undefined ? 0 : REPEATED_KEY);
  const base = config.base === null ? undefined : sharedFieldsJson(config.base, scrub, sharedKeys);
  return {
    scrub,
    errPath: paths === undefined ? undefined : (paths.named?.get('err') ?? paths.other ?? undefined),
    sinkMin: sinks.reduce((min, { min: m }) => Math.min(min, m), Number.POSITIVE_INFINITY),
    base: base?.plain ?? '',
    tracedBase: base?.traced ?? '',
    // In a call's own fields, `_level`… are renamed as in the shared ones, so the two never meet.
    lineKeys: reservedKeys(written, sharedKeys),
    sharedKeys,
    sharedReserved: reservedKeys(sharedKeys, sharedKeys),
    repeatFrom: dedupe === undefined ? Number.POSITIVE_INFINITY : 40,
    moduleLevels: config.moduleLevels,
    sample: config.sample,
    context: config.context,
    trace: config.trace,
    json: (value) => valueJson(value, scrub, undefined),
    emit(level, body) {
      if (!open) return countDropped('closed', level);
      if (dedupe !== undefined && level >= 40) {
        const out = dedupe.check(body, level, clock.now());
        if (out === undefined) return countDropped('duplicate', level);
        write(level, out);
        return;
      }
      write(level, body);
    },
    flushSync,
    async flush() {
      drainDuplicates();
      await Promise.all(sinks.map(({ sink }) => settle(sink, sink.flush)));
    },
    async close() {
      if (!open) return;
      drainDuplicates();
      open = false;
      await Promise.all(sinks.map(({ sink }) => settle(sink, sink.close ?? sink.flush)));
    },
    handleExit(logger) {
      const onExit = (): void => flushSync();
      const onTerm = (): void => {
        flushSync();
        if (process.listenerCount('SIGTERM') === 1) {
          process.removeListener('SIGTERM', onTerm);
          process.kill(process.pid, 'SIGTERM');
        }
      };
      const onUncaught = (error: unknown): void => {
        logger.fatal(error instanceof Error ? error : { err: error }, 'uncaught exception');
        flushSync();
      };
      process.on('exit', onExit);
      process.on('SIGTERM', onTerm);
      process.on('uncaughtExceptionMonitor', onUncaught);
      return () => {
        process.removeListener('exit', onExit);
        process.removeListener('SIGTERM', onTerm);
        process.removeListener('uncaughtExceptionMonitor', onUncaught);
      };
    },
  };
}
