import { closestName } from '@ballast/core/closest-name';

/**
 * `@ballast/errors` depends on this package (its `serializeError` redacts through
 * `createRedactor`), so importing its `ConfigurationError` here would make a package
 * cycle. This error carries the same brand, code, category and fields instead, so
 * `isBallastError(err)` and `ConfigurationError.is(err)` from `@ballast/errors`
 * recognise it, and hosts handle it like any other configuration error.
 */
const BRAND = Symbol.for('ballast.error');

/** A `ConfigurationError`-compatible error for an invalid redaction option. */
export class RedactConfigurationError extends Error {
  readonly code = 'INVALID_CONFIGURATION';
  readonly category = 'configuration';
  readonly status = 500;
  readonly retryable = false;
  readonly userMessage = 'The service is misconfigured.';
  readonly suggestions: readonly string[];
  readonly details: Record<string, unknown>;
  readonly docsUrl: string | undefined = undefined;
  readonly retryAfterMs: number | undefined = undefined;

  constructor(message: string, details: Record<string, unknown>, suggestion: string) {
    super(message);
    this.name = 'ConfigurationError';
    this.details = details;
    this.suggestions = Object.freeze([suggestion]);
  }

  /** Keeps `message` and `stack` in `JSON.stringify`, like every Ballast error. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      code: this.code,
      category: this.category,
      status: this.status,
      retryable: this.retryable,
      userMessage: this.userMessage,
      suggestions: this.suggestions,
      details: this.details,
      stack: this.stack,
    };
  }
}
Object.defineProperty(RedactConfigurationError.prototype, BRAND, { value: true, enumerable: false });

function show(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol' || typeof value === 'bigint') return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** The error for a bad option: names the option, the value and what is allowed. */
export function invalidOption(option: string, value: unknown, expected: string): RedactConfigurationError {
  return new RedactConfigurationError(
    `Invalid option ${option}: got ${show(value)}; expected ${expected}.`,
    { option, expected },
    `Set ${option} to ${expected}.`,
  );
}

/**
 * Rejects the first key of `options` that no option reads, so a misspelt option (`key` for
 * `keys`) fails at creation instead of silently turning redaction off. Worded exactly as
 * `rejectUnknownKeys` from `@ballast/errors` (which this package cannot import), with the
 * same `closestName` match from `@ballast/core`.
 *
 * The value under the unknown key is never shown: a misspelt `hashkey` holds a secret.
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
  for (const key of Object.keys(options)) {
    if (valid.includes(key)) continue;
    const option = `${owner}.${key}`;
    const intended = closestName(key, valid);
    const hint = Object.hasOwn(hints, key) ? hints[key] : undefined;
    const expected = `one of ${valid.join(', ')}`;
    const guess = intended === undefined ? '' : ` (did you mean ${intended}?)`;
    let suggestion = `Rename ${key} to ${intended}.`;
    if (intended === undefined)
      suggestion = hint === undefined ? `Remove ${key}.` : `Remove ${key}; ${hint}.`;
    throw new RedactConfigurationError(
      `Unknown option ${option}${guess}: expected ${expected}${hint === undefined ? '' : `; ${hint}`}.`,
      { option, expected, ...(intended === undefined ? {} : { intended }) },
      suggestion,
    );
  }
}
