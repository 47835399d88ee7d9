import { invalidOption } from '@ballast/errors';

/**
 * Edit distance between two short strings: insertions, deletions, substitutions and
 * swaps of two neighbouring characters (`prot` → `port` is one edit).
 */
function distance(a: string, b: string): number {
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j]!, rows[i - 2]![j - 2]! + 1);
      }
    }
    rows.push(row);
  }
  return rows[a.length]![b.length]!;
}

/**
 * The valid option `key` was most likely meant to be (`sise` → `size`, `Level` →
 * `level`), or `undefined` when none is close: at most one edit per three characters,
 * never more than two, ignoring case.
 */
export function closestOption(key: string, valid: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.min(2, Math.floor(key.length / 3)) + 1;
  for (const candidate of valid) {
    const d = distance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * Rejects keys of an options object that no option reads, so a misspelt or
 * invented option (`redact: { defaults: false }`, `rotate: { sise: '1MB' }`) fails at
 * creation instead of being silently ignored. The message names the option the key was
 * probably meant to be; `hints` adds advice for keys users are known to guess.
 *
 * @throws ConfigurationError naming the first unknown key and listing the valid ones.
 */
export function rejectUnknownKeys(
  option: string,
  value: object,
  valid: readonly string[],
  hints: Readonly<Record<string, string>> = {},
): void {
  for (const key of Object.keys(value)) {
    if (valid.includes(key)) continue;
    const guess = closestOption(key, valid);
    const meant = guess === undefined ? '' : ` (did you mean ${guess}?)`;
    const hint = Object.hasOwn(hints, key) ? `; ${hints[key]}` : '';
    throw invalidOption(
      `${option}.${key}`,
      (value as Record<string, unknown>)[key],
      `no such option${meant}: ${option} accepts ${valid.join(', ')}${hint}`,
    );
  }
}

/**
 * Checks that `options` is an object (or absent) and has no unknown key; returns it,
 * `{}` when absent.
 * @throws ConfigurationError naming `option` for anything else.
 */
export function optionsObject<T extends object>(
  option: string,
  options: T | undefined,
  valid: ReadonlyArray<keyof T & string>,
): T {
  if (options === undefined) return {} as T;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw invalidOption(option, options, `an options object with ${valid.join(', ')}`);
  }
  rejectUnknownKeys(option, options, valid);
  return options;
}

/**
 * Checks an optional boolean option and returns it, or `fallback` when absent.
 * @throws ConfigurationError naming `option` for anything but `true`, `false` or `undefined`.
 */
export function booleanOption(option: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw invalidOption(option, value, 'true or false');
  return value;
}
