import { type Duration, parseDuration, parseSize, type Size } from '@ballast/core';
import { describeInvalidOption, findUnknownOption } from '@ballast/core/error-base';
import { ConfigurationError } from './builtins.js';

/**
 * Builds the `ConfigurationError` for a bad option: it names the option, the value
 * and what is allowed, so the fix is obvious from the message alone.
 *
 * @example throw invalidOption('retry.maxAttempts', 0, 'a whole number ≥ 1');
 * // Invalid option retry.maxAttempts: got 0; expected a whole number ≥ 1.
 */
export function invalidOption(option: string, value: unknown, expected: string) {
  const { message, details, suggestions } = describeInvalidOption(option, value, expected);
  return new ConfigurationError(message, { details, suggestions });
}

/**
 * Rejects the first own key of `options` that is not in `validKeys`, so a misspelt or
 * invented option (`timout`, `rotate: { sise }`) fails at creation instead of silently
 * leaving the default on. The message names the key, the valid key it most likely meant
 * (by `closestName` from `@ballast/core`) and the valid keys; `hints` adds advice for keys
 * users are known to pass by mistake (`{ client: "the client is the first argument" }`).
 *
 * The value under the unknown key is never shown, in the message or the details: a
 * misspelt `pasword` or `hashkey` may well hold a secret.
 *
 * @example rejectUnknownKeys('createLogger', { levle: 'debug' }, ['level', 'sinks']);
 * // Unknown option createLogger.levle (did you mean level?): expected one of level, sinks.
 * // suggestions: ['Rename levle to level.']
 * @throws ConfigurationError with `details: { option, expected, intended? }`.
 */
export function rejectUnknownKeys(
  owner: string,
  options: object,
  validKeys: readonly string[],
  hints: Readonly<Record<string, string>> = {},
): void {
  const problem = findUnknownOption(owner, options, validKeys, hints);
  if (problem === undefined) return;
  const { message, details, suggestions } = problem;
  throw new ConfigurationError(message, { details, suggestions });
}

/**
 * Reads a duration option (`250`, `'10s'`, `'1h30m'`) as milliseconds.
 * @throws ConfigurationError naming the option when the value is not a valid duration.
 */
export function durationOption(option: string, value: Duration): number {
  try {
    return parseDuration(value);
  } catch {
    throw invalidOption(
      option,
      value,
      "a duration: milliseconds ≥ 0 or a string like '250ms', '10s', '5m', '1h'",
    );
  }
}

/**
 * Reads a byte-size option (`2048`, `'512KB'`, `'50MB'`, `'2GiB'`) as whole bytes, by
 * `parseSize` from `@ballast/core` (binary units: `KB` and `KiB` are both 1024 bytes).
 * @param min - the fewest bytes allowed.
 * @throws ConfigurationError naming the option when the value is not a size of at least `min` bytes.
 */
export function sizeOption(option: string, value: Size, min = 0): number {
  let bytes: number;
  try {
    bytes = parseSize(value);
  } catch {
    bytes = -1;
  }
  if (bytes < min) {
    throw invalidOption(
      option,
      value,
      `a size: bytes ≥ ${min} or a string like '512B', '512KB', '50MB', '2GiB' (binary units, KB = KiB = 1024 bytes)`,
    );
  }
  return bytes;
}

/**
 * Checks a whole-number option against inclusive bounds.
 * @throws ConfigurationError naming the option when it is not an integer in range.
 */
export function integerOption(
  option: string,
  value: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range =
      max === Number.MAX_SAFE_INTEGER ? `a whole number ≥ ${min}` : `a whole number from ${min} to ${max}`;
    throw invalidOption(option, value, range);
  }
  return value;
}

/**
 * Checks a number option against bounds (`exclusiveMin` for ranges like (0, 1]).
 * @throws ConfigurationError naming the option when it is not a finite number in range.
 */
export function numberOption(
  option: string,
  value: number,
  range: { min?: number; max?: number; exclusiveMin?: boolean },
): number {
  const { min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY, exclusiveMin = false } = range;
  const low = exclusiveMin ? value > min : value >= min;
  if (typeof value !== 'number' || !Number.isFinite(value) || !low || value > max) {
    const lower = Number.isFinite(min) ? `${exclusiveMin ? '>' : '≥'} ${min}` : '';
    const upper = Number.isFinite(max) ? `≤ ${max}` : '';
    throw invalidOption(option, value, `a number ${[lower, upper].filter(Boolean).join(' and ')}`.trim());
  }
  return value;
}
