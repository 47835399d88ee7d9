import { invalidOption, rejectUnknownKeys } from '@ballast/errors';

/**
 * Checks that `options` is an object without unknown keys.
 * @throws ConfigurationError naming `owner` otherwise.
 */
export function checkObject(owner: string, options: unknown, keys: readonly string[]): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw invalidOption(owner, options, `an options object: { ${keys.join(', ')} }`);
  rejectUnknownKeys(owner, options, keys);
}

/**
 * Checks that `value` has `typeof` `type` (or is absent when not `required`).
 * @throws ConfigurationError naming `option` and what is `expected` otherwise.
 */
export function checkOptional(
  option: string,
  value: unknown,
  type: 'function' | 'object' | 'string',
  expected: string,
  required = false,
): void {
  if (value === undefined && !required) return;
  if (typeof value !== type || value === null) throw invalidOption(option, value, expected);
}
