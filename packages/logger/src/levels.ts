import { invalidOption } from '@ballast/errors';

/** The six log levels, least to most severe, plus `silent` which logs nothing. */
export type LevelName = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

/** Numeric values of the levels, the same as pino's, so tooling that reads pino reads these. */
export const LEVELS: Readonly<Record<LevelName, number>> = Object.freeze({
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: Number.POSITIVE_INFINITY,
});

/** Label of each numeric level, for formatting. */
export const LABELS: Readonly<Record<number, string>> = Object.freeze({
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
});

const ALLOWED = "one of 'trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'";

/** True when `value` names a level. */
export function isLevelName(value: unknown): value is LevelName {
  return typeof value === 'string' && Object.hasOwn(LEVELS, value);
}

/**
 * Reads a level option as its numeric value.
 * @throws ConfigurationError naming the option when the level is unknown.
 */
export function levelOption(option: string, value: unknown): number {
  if (!isLevelName(value)) throw invalidOption(option, value, ALLOWED);
  return LEVELS[value];
}

/** Syslog severity (RFC 5424) of a numeric level: debug 7, info 6, warn 4, error 3, fatal 2. */
export function syslogSeverity(level: number): number {
  if (level >= 60) return 2;
  if (level >= 50) return 3;
  if (level >= 40) return 4;
  if (level >= 30) return 6;
  return 7;
}
