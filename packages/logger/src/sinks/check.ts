import { type LevelName, levelOption } from '../levels.js';

/** Validates a sink's `level` option and returns it. */
export function checkSinkLevel(sink: string, level: LevelName | undefined): LevelName | undefined {
  if (level !== undefined) levelOption(`${sink}.level`, level);
  return level;
}
