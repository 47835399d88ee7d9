import { invalidOption, rejectUnknownKeys } from '@ballast/errors';

const CLOCK_METHODS = ['now', 'setTimeout', 'clearTimeout', 'setInterval', 'sleep'] as const;

/**
 * Checks a factory's options object before anything reads it: an object (or nothing, when
 * every option has a default) without a key the factory does not read, so
 * `retry({ maxAttempt: 5 })` fails at creation instead of silently retrying 3 times, and a
 * `clock` that has the methods of core's `Clock`, so a wrong one fails here and not on the
 * first call.
 *
 * @throws ConfigurationError naming the factory, the unknown key (and the key it was
 * probably meant to be) or the clock's missing method.
 */
export function checkOptions(
  owner: string,
  options: unknown,
  keys: readonly string[],
  required: boolean,
): void {
  if (options === undefined && !required) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw invalidOption(owner, options, `an options object: { ${keys.join(', ')} }`);
  }
  rejectUnknownKeys(owner, options, keys);
  const clock = (options as { clock?: unknown }).clock;
  if (clock === undefined) return;
  const missing = CLOCK_METHODS.find(
    (method) => typeof (clock as Record<string, unknown> | null)?.[method] !== 'function',
  );
  if (missing !== undefined) {
    throw invalidOption(
      `${owner}.clock`,
      clock,
      `a Clock from @ballast/core (systemClock, or ManualClock in tests); this one has no ${missing}()`,
    );
  }
}
