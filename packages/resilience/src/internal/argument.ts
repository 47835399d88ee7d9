import { ValidationError } from '@ballast/errors';

/**
 * The received value as a message may show it: numbers and other primitives as they are,
 * strings and objects by their kind only (a key may be personal data).
 */
function shape(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string') return value === '' ? 'an empty string' : 'a string';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * The `ValidationError` (400, not retryable) for a bad argument of a call such as
 * `take(key, cost)`: the caller's input is wrong, not the service's configuration.
 *
 * @example throw invalidArgument('tokenBucket.take', 'cost', 6, 'a number from 0 to the burst (5)');
 * // Invalid cost for tokenBucket.take(): got 6; expected a number from 0 to the burst (5).
 */
export function invalidArgument(call: string, argument: string, value: unknown, expected: string): Error {
  const message = `Invalid ${argument} for ${call}(): got ${shape(value)}; expected ${expected}.`;
  return new ValidationError(message, { details: { argument, expected } });
}
