import { DEFAULT_LIMITS, type ValueLimits } from '../limits.js';

const LIMIT_NAMES = ['maxArrayLength', 'maxKeys', 'maxStringLength', 'maxTotalLength'] as const;

/** Whether `value` is a valid limit: a whole number ≥ 1, or `Infinity` for none. */
export function isLimit(value: unknown): value is number {
  return value === Number.POSITIVE_INFINITY || (Number.isInteger(value) && (value as number) >= 1);
}

/**
 * The limits of `options` over {@link DEFAULT_LIMITS}; the name of the first invalid one
 * (not a whole number ≥ 1 or `Infinity`) is passed to `invalid`, which must throw.
 */
export function resolveLimits(
  options: Partial<Record<keyof ValueLimits, unknown>>,
  invalid: (name: keyof ValueLimits, value: unknown) => never,
): ValueLimits {
  const out: { -readonly [K in keyof ValueLimits]: number } = { ...DEFAULT_LIMITS };
  let changed = false;
  for (const name of LIMIT_NAMES) {
    const value = options[name];
    if (value === undefined) continue;
    if (!isLimit(value)) invalid(name, value);
    out[name] = value;
    changed = true;
  }
  return changed ? Object.freeze(out) : DEFAULT_LIMITS;
}
