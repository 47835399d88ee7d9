import { type BallastError, ConfigurationError, invalidOption, serializeError } from '@ballast/errors';
import { compileRedaction as compilePlan, type RedactionPlan, type RedactSelection } from '@ballast/redact';
import { keyEntries } from './line-keys.js';
import { quote } from './quote.js';
import { boundedText, noScrub, type Scrub } from './scrub.js';

/**
 * Redaction settings of a logger: `RedactSelection` of `@ballast/redact`, the shape
 * `createRedactor` takes (its `paths`, `keys`, `patterns`, `defaultKeys`,
 * `defaultPatterns`, `censor`, `hashKey`, `remove`), validated by the same code. The censor
 * is a string or `'hash'`: the logger censors while it writes and knows no path to pass a
 * censor function.
 */
export type RedactOptions = RedactSelection;

/** `false` (off), a list of paths, or {@link RedactOptions}; the defaults stay on unless turned off. */
export type RedactOption = false | string[] | RedactOptions;

/**
 * Errors as plain objects, unredacted: the logger's own scrub censors them as it writes them
 * (with the logger's censor, or not at all with `redact: false`).
 */
const rawError = (error: Error): unknown => serializeError(error, { redact: false });

/**
 * The plan of `@ballast/redact`, its errors raised as this package's `ConfigurationError`
 * (the same message, details and suggestions) so `instanceof` holds for the host.
 */
function plan(settings: RedactOptions): RedactionPlan {
  try {
    return compilePlan(settings, 'redact');
  } catch (error) {
    if (error instanceof ConfigurationError || !ConfigurationError.is(error)) throw error;
    const { message, details, suggestions } = error as BallastError;
    throw new ConfigurationError(message, { details, suggestions });
  }
}

/**
 * Compiles the `redact` option into the serializer's {@link Scrub}, from the one compiled
 * plan of `@ballast/redact`: its key test, string scanner and path automaton. The line is
 * censored as it is written; nothing is cloned.
 *
 * @throws ConfigurationError for a malformed path, pattern or option, or a key
 * of the `redact` object that is not an option (`defaults` is not: use
 * `defaultKeys`/`defaultPatterns`).
 */
export function compileRedaction(option: RedactOption | undefined): Scrub {
  if (option === false) return noScrub(rawError);
  const settings: RedactOptions = Array.isArray(option) ? { paths: option } : (option ?? {});
  if (typeof settings !== 'object' || settings === null) {
    throw invalidOption(
      'redact',
      option,
      'false, an array of paths or { paths, keys, patterns, defaultKeys, defaultPatterns, censor, hashKey, remove }',
    );
  }
  const compiled = plan(settings);
  const scan = compiled.scans ? compiled.scanText : undefined;
  const text = boundedText(scan ?? ((s: string) => s));
  return {
    key: keyEntries(text, compiled.isSecretKey),
    headerPairs: compiled.holdsHeaderPairs,
    text,
    scan,
    paths: compiled.paths ?? undefined,
    censor: quote(compiled.censor),
    hashed: compiled.hashing ? (secret: unknown) => quote(compiled.censorValue(secret)) : undefined,
    remove: compiled.remove,
    error: rawError,
  };
}
