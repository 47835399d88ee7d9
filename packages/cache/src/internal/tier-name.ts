import { invalidOption } from '@ballast/errors';

/**
 * A tier's `name` option: a non-empty string, or `fallback` when left out. Shared by every
 * built-in tier; kept apart from the memory tier so the Redis and file tiers do not import
 * lru-cache to read one option.
 * @throws ConfigurationError naming `<factory>.name` for anything else.
 */
export function tierName(factory: string, name: unknown, fallback: string): string {
  if (name === undefined) return fallback;
  if (typeof name !== 'string' || name.length === 0)
    throw invalidOption(`${factory}.name`, name, 'a non-empty string');
  return name;
}
