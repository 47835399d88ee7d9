import { type Duration, parseDuration } from '@ballast/core';
import { invalidOption } from '@ballast/errors';

const UNITS: Record<string, number> = {
  b: 1,
  k: 1024,
  kb: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
};

/**
 * Reads a size option: bytes as a number, or `'512KB'`, `'100MB'`, `'1GB'` (binary units).
 * @throws ConfigurationError naming the option when the size is not positive.
 */
export function parseSize(option: string, value: number | string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  const match = typeof value === 'string' ? /^(\d+(?:\.\d+)?)\s*([kmg]?b?)$/i.exec(value.trim()) : null;
  const bytes = match ? Math.floor(Number(match[1]) * (UNITS[(match[2] || 'b').toLowerCase()] ?? 1)) : 0;
  if (bytes <= 0)
    throw invalidOption(option, value, "a size in bytes > 0, or a string like '512KB', '100MB', '1GB'");
  return bytes;
}

/** How often a file is rotated regardless of its size. */
export type RotationInterval = 'hourly' | 'daily' | Duration;

/** Milliseconds of a rotation interval option, or throws a ConfigurationError. */
export function parseInterval(option: string, value: RotationInterval): RotationInterval {
  if (value === 'hourly' || value === 'daily') return value;
  let ms = Number.NaN;
  try {
    ms = parseDuration(value);
  } catch {
    // reported below
  }
  if (!(ms > 0)) throw invalidOption(option, value, "'hourly', 'daily' or a duration > 0 such as '6h'");
  return ms;
}

/**
 * When the next interval rotation is due after `now`: the next UTC hour or
 * midnight for `'hourly'`/`'daily'`, otherwise `now` plus the interval.
 */
export function nextRotation(now: number, interval: RotationInterval): number {
  if (interval === 'hourly') return (Math.floor(now / 3_600_000) + 1) * 3_600_000;
  if (interval === 'daily') return (Math.floor(now / 86_400_000) + 1) * 86_400_000;
  return now + parseDuration(interval);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Generation numbers of the rotated files of `base` among `names` (`app.log.3`
 * and `app.log.3.gz` are both generation 3), highest (newest) first, unique.
 */
export function rotatedGenerations(base: string, names: readonly string[]): number[] {
  const pattern = new RegExp(`^${escapeRegExp(base)}\\.(\\d+)(\\.gz)?$`);
  const found = new Set<number>();
  for (const name of names) {
    const match = pattern.exec(name);
    if (match) found.add(Number(match[1]));
  }
  return [...found].sort((a, b) => b - a);
}

/**
 * The name a rotated file is compressed under before it is renamed to `.gz`:
 * `app.log.3.gz.<pid>-<n><random>.tmp`, unique per process and compression, so two
 * processes compressing the same file never write into each other's temp file.
 */
export function compressTempName(file: string, sequence: number): string {
  return `${file}.gz.${process.pid}-${sequence}${Math.random().toString(36).slice(2, 8)}.tmp`;
}

/**
 * What a previous run left half done among `names`: `temps`, partial gzip files of
 * an interrupted compression (`app.log.3.gz.<pid>-<n><random>.tmp`, or `app.log.3.gz.tmp`
 * from older versions), and `plain`, rotated files not yet compressed
 * (`app.log.3`, with or without a `.gz` beside it), oldest first.
 */
export function unfinishedCompression(
  base: string,
  names: readonly string[],
): { temps: string[]; plain: string[] } {
  const prefix = escapeRegExp(base);
  const temp = new RegExp(`^${prefix}\\.\\d+\\.gz(\\.\\d+-\\d+[a-z0-9]*)?\\.tmp$`);
  const rotated = new RegExp(`^${prefix}\\.(\\d+)$`);
  const temps = names.filter((name) => temp.test(name));
  const plain = names
    .map((name) => rotated.exec(name))
    .filter((match): match is RegExpExecArray => match !== null)
    .sort((a, b) => Number(a[1]) - Number(b[1]))
    .map((match) => match[0]);
  return { temps, plain };
}
