import {
  BallastErrorBase,
  describeInvalidOption,
  findUnknownOption,
  type OptionProblem,
} from '@ballast/core/error-base';

/**
 * The `ConfigurationError` of this package. `@ballast/errors` depends on this package (its
 * `serializeError` redacts through `createRedactor`), so its `ConfigurationError` cannot be
 * imported here; this error is built on the same `BallastErrorBase` from
 * `@ballast/core/error-base`, with the same name, code and category defaults, so
 * `isBallastError(err)` and `ConfigurationError.is(err)` from `@ballast/errors` recognise
 * it and hosts handle it like any other configuration error. (`@ballast/errors` tests that
 * these defaults match its `CATEGORIES.configuration`.)
 */
export class RedactConfigurationError extends BallastErrorBase {
  /** Creates the error from the problem `describeInvalidOption` or `findUnknownOption` found. */
  constructor({ message, details, suggestions }: OptionProblem) {
    super(message, {
      code: 'INVALID_CONFIGURATION',
      category: 'configuration',
      status: 500,
      retryable: false,
      userMessage: 'The service is misconfigured.',
      suggestions,
      details,
    });
    this.name = 'ConfigurationError';
  }
}

/** The error for a bad option: names the option, the value and what is allowed. */
export function invalidOption(option: string, value: unknown, expected: string): RedactConfigurationError {
  return new RedactConfigurationError(describeInvalidOption(option, value, expected));
}

/**
 * Rejects the first key of `options` that no option reads, so a misspelt option (`key` for
 * `keys`) fails at creation instead of silently turning redaction off: `rejectUnknownKeys`
 * of `@ballast/errors`, throwing this package's error. The value under the unknown key is
 * never shown: a misspelt `hashkey` holds a secret.
 *
 * @throws RedactConfigurationError naming the first unknown key, the option it was
 * probably meant to be, and the valid ones.
 */
export function rejectUnknownKeys(
  owner: string,
  options: object,
  valid: readonly string[],
  hints: Readonly<Record<string, string>> = {},
): void {
  const problem = findUnknownOption(owner, options, valid, hints);
  if (problem !== undefined) throw new RedactConfigurationError(problem);
}
