import { BallastErrorBase } from '@ballast/core/error-base';
import { CATEGORIES, type ErrorCategory, isErrorCategory } from './categories.js';
import { hasBrand } from './internal/brand.js';
import { show } from './internal/show.js';
import { isErrorStatus } from './internal/status.js';
import { type SerializedError, serializeError } from './serialize-error.js';

export { BALLAST_ERROR_BRAND } from './internal/brand.js';

/** Structured, JSON-safe facts about an error (ids, limits, field names); never secrets. */
export type ErrorDetails = Record<string, unknown>;

/** What a {@link BallastError} is made of; everything but `code` and `category` has a default. */
export interface BallastErrorOptions<D extends ErrorDetails = ErrorDetails> {
  /** Stable SCREAMING_SNAKE identifier, e.g. `'USER_NOT_FOUND'`. */
  code: string;
  /** The kind of failure; it sets the defaults of `status`, `retryable` and `userMessage`. */
  category: ErrorCategory;
  /** An HTTP error status: a whole number from 400 to 599. @defaultValue the category's status (see `CATEGORIES`) */
  status?: number;
  /** Whether trying again may succeed. @defaultValue the category's retryability */
  retryable?: boolean;
  /** A sentence safe to show an end user. @defaultValue the category's user message */
  userMessage?: string;
  /** What the reader can do about it, most useful first. @defaultValue `[]` */
  suggestions?: readonly string[];
  /** Structured, JSON-safe facts. @defaultValue `{}` */
  details?: D;
  /** A link to documentation about this error. */
  docsUrl?: string;
  /** How long to wait before retrying, when the failure said so (e.g. `Retry-After`). */
  retryAfterMs?: number;
  /** The error this one wraps. */
  cause?: unknown;
}

const CODE = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/;

/** Whether `code` is SCREAMING_SNAKE (`'USER_NOT_FOUND'`). */
export function isValidErrorCode(code: unknown): code is string {
  return typeof code === 'string' && CODE.test(code);
}

/**
 * Checks what the constructor cannot repair. It throws a plain `TypeError`, as
 * `defineError` does: these are programming errors, and building a Ballast error here
 * would re-enter this constructor.
 */
function checkOptions(options: BallastErrorOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(
      `BallastError options must be an object such as { code, category }, got ${show(options)}.`,
    );
  }
  const { code, category, status, retryable } = options;
  if (!isValidErrorCode(code)) {
    throw new TypeError(`Invalid error code ${show(code)}: use SCREAMING_SNAKE_CASE, e.g. 'USER_NOT_FOUND'.`);
  }
  if (!isErrorCategory(category)) {
    throw new TypeError(
      `Invalid category ${show(category)} for ${code}: use one of ${Object.keys(CATEGORIES).join(', ')}.`,
    );
  }
  if (status !== undefined && !isErrorStatus(status)) {
    throw new TypeError(
      `Invalid status ${show(status)} for ${code}: use an HTTP error status, a whole number from 400 to 599.`,
    );
  }
  if (retryable !== undefined && typeof retryable !== 'boolean') {
    throw new TypeError(`Invalid retryable ${show(retryable)} for ${code}: use true or false.`);
  }
}

/**
 * The base of every Ballast error: a normal `Error` that also says what went wrong
 * (`code`, `category`), what it means for the caller (`status`, `retryable`,
 * `retryAfterMs`) and what a person can do (`userMessage`, `suggestions`, `docsUrl`).
 * Recognise one with `isBallastError`, which works across duplicate installed copies.
 * Its fields, brand and plain JSON view live in `BallastErrorBase` from
 * `@ballast/core/error-base`, which the packages below this one build on too; this class
 * adds validation, the category's defaults and a redacted `toJSON`.
 *
 * @throws TypeError when `code` is not SCREAMING_SNAKE, `category` is not one of
 * `CATEGORIES`, `status` is not a whole number from 400 to 599 or `retryable` is not a boolean.
 */
export class BallastError<D extends ErrorDetails = ErrorDetails> extends BallastErrorBase<D> {
  /** The kind of failure (`'not_found'`, `'timeout'`, …), which sets the defaults of `status`, `retryable` and `userMessage`. */
  declare readonly category: ErrorCategory;

  /** Creates the error; everything but `code` and `category` defaults to the category's. */
  constructor(message: string, options: BallastErrorOptions<D>) {
    checkOptions(options);
    const defaults = CATEGORIES[options.category];
    super(message, {
      ...options,
      status: options.status ?? defaults.status,
      retryable: options.retryable ?? defaults.retryable,
      userMessage: options.userMessage ?? defaults.userMessage,
    });
  }

  /**
   * A JSON-safe view, so `JSON.stringify(err)` keeps `message`, `stack` and the
   * cause chain (which plain `Error`s lose): exactly `serializeError(err)`, so redacted
   * with the default keys and patterns. For the raw view, call
   * `serializeError(err, { redact: false })`.
   */
  override toJSON(): SerializedError {
    return serializeError(this);
  }
}

/**
 * Whether `value` is a Ballast error, by brand rather than `instanceof`, so errors
 * from another installed copy of `@ballast/errors` (or another bundle) still count.
 */
export function isBallastError(value: unknown): value is BallastError {
  return hasBrand(value);
}
