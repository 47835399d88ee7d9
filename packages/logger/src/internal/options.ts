import { invalidOption, rejectUnknownKeys } from '@ballast/errors';

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
