import { invalidOption, rejectUnknownKeys } from '@ballast/errors';

/**
 * The keys of an options type as a list; the compiler checks that `keys` names every key
 * of `T` and nothing else, so the list cannot drift from the type.
 */
export function keysOf<T>(keys: Record<keyof T, true>): readonly string[] {
  return Object.keys(keys);
}

/**
 * Checks that `value` is an options object whose own keys are all in `valid`, so a typo
 * (`timout`, `critcal`) fails at creation instead of silently leaving the default on.
 * `hints` explains keys users are known to pass by mistake.
 *
 * @throws ConfigurationError naming the unknown key, the likely intended one and the valid ones.
 */
export function checkOptions(
  owner: string,
  value: unknown,
  valid: readonly string[],
  hints: Readonly<Record<string, string>> = {},
): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidOption(owner, value, `an options object with ${valid.join(', ')}`);
  }
  rejectUnknownKeys(owner, value, valid, hints);
}

/**
 * Whether `value` is an object literal (or `Object.create(null)`): its prototype is
 * `Object.prototype`, from any realm, or `null`. Only such objects are held to a fixed set
 * of keys; a class instance (`new PgCheck(pool)`) carries fields of its own (`this.pool`)
 * that are its business, not typos.
 */
export function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === null || Object.getPrototypeOf(prototype) === null;
}

/**
 * Checks that `value` is an object (or function) with every method in `methods`, so a
 * wrong value fails at creation instead of with a TypeError on first use.
 * @throws ConfigurationError naming the option and what it expects.
 */
export function checkMethods(
  option: string,
  value: unknown,
  methods: readonly string[],
  expected: string,
): void {
  const holder = value as Record<string, unknown> | null | undefined;
  const usable =
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    methods.every((method) => typeof holder![method] === 'function');
  if (!usable) throw invalidOption(option, value, expected);
}
