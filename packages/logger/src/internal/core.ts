import type { Clock, LoggerLike } from '@ballast/core';
import { LABELS } from '../levels.js';
import { type LogSink, reportSinkFailure } from '../sinks/sink.js';
import type { Dedupe } from './noise.js';
import type { PathNode, Scrub } from './scrub.js';
import { valueJson } from './serialize.js';

/** What every logger of one `createLogger` call shares: sinks, redaction, format. */
export interface Core {
  readonly scrub: Scrub;
  /** The redaction path node below `err`, for errors passed as first argument. */
  readonly errPath: PathNode | undefined;
  /** The lowest minimum level over all sinks: nothing below it is worth formatting. */
  readonly sinkMin: number;
  /** Serialized `base` members. */
  readonly base: string;
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
  base: string;
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
  return {
    scrub,
    errPath: paths === undefined ? undefined : (paths.children?.get('err') ?? paths.any),
    sinkMin: sinks.reduce((min, { min: m }) => Math.min(min, m), Number.POSITIVE_INFINITY),
    base: config.base,
    moduleLevels: config.moduleLevels,
    sample: config.sample,
    context: config.context,
    trace: config.trace,
    json: (value) => valueJson(value, scrub, undefined),
    emit(level, body) {
      if (!open) return;
      if (dedupe !== undefined && level >= 40) {
        const out = dedupe.check(body, level, clock.now());
        if (out === undefined) return;
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
