import { invalidOption } from '@ballast/errors';

/**
 * Rejects keys of an options object that no option reads, so a misspelt or
 * invented option (`redact: { defaults: false }`) fails at creation instead of
 * being silently ignored. `hints` adds advice for keys users are known to guess.
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
    const hint = Object.hasOwn(hints, key) ? `; ${hints[key]}` : '';
    throw invalidOption(
      `${option}.${key}`,
      (value as Record<string, unknown>)[key],
      `no such option: ${option} accepts ${valid.join(', ')}${hint}`,
    );
  }
}
