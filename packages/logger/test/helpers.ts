import type { LevelName, LogSink } from '@ballast/logger';

/** A sink that keeps lines in memory, for assertions. */
export interface MemorySink extends LogSink {
  readonly raw: string[];
  /** Parsed lines. */
  readonly lines: Array<Record<string, unknown>>;
}

export function memorySink(level?: LevelName): MemorySink {
  const raw: string[] = [];
  return {
    name: 'memory',
    level,
    raw,
    get lines() {
      return raw.map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    write(line) {
      raw.push(line);
    },
  };
}
