import { CATEGORIES, type ErrorCategory } from './categories.js';
import { BALLAST_ERROR_BRAND, hasBrand } from './internal/brand.js';
import { type SerializedError, serializeError } from './serialize-error.js';

export { BALLAST_ERROR_BRAND } from './internal/brand.js';

/** Structured, JSON-safe facts about an error (ids, limits, field names); never secrets. */
export type ErrorDetails = Record<string, unknown>;

/** What a {@link BallastError} is made of; everything but `code` and `category` has a default. */
export interface BallastErrorOptions<D extends ErrorDetails = ErrorDetails> {
  /** Stable SCREAMING_SNAKE identifier, e.g. `'USER_NOT_FOUND'`. */
  code: string;
  category: ErrorCategory;
  /** @defaultValue the category's status (see `CATEGORIES`) */
  status?: number;
  /** @defaultValue the category's retryability */
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
 * The base of every Ballast error: a normal `Error` that also says what went wrong
 * (`code`, `category`), what it means for the caller (`status`, `retryable`,
 * `retryAfterMs`) and what a person can do (`userMessage`, `suggestions`, `docsUrl`).
 * Recognise one with `isBallastError`, which works across duplicate installed copies.
 */
export class BallastError<D extends ErrorDetails = ErrorDetails> extends Error {
  declare readonly [BALLAST_ERROR_BRAND]: true;
  readonly code: string;
  readonly category: ErrorCategory;
  readonly status: number;
  readonly retryable: boolean;
  readonly userMessage: string;
  readonly suggestions: readonly string[];
  readonly details: D;
  readonly docsUrl: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options: BallastErrorOptions<D>) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const defaults = CATEGORIES[options.category];
    this.code = options.code;
    this.category = options.category;
    this.status = options.status ?? defaults.status;
    this.retryable = options.retryable ?? defaults.retryable;
    this.userMessage = options.userMessage ?? defaults.userMessage;
    this.suggestions = Object.freeze([...(options.suggestions ?? [])]);
    this.details = options.details ?? ({} as D);
    this.docsUrl = options.docsUrl;
    this.retryAfterMs = options.retryAfterMs;
    this.name = new.target.name || 'BallastError';
  }

  /**
   * A JSON-safe view, so `JSON.stringify(err)` keeps `message`, `stack` and the
   * cause chain (which plain `Error`s lose): exactly `serializeError(err)`.
   */
  toJSON(): SerializedError {
    return serializeError(this);
  }
}
Object.defineProperty(BallastError.prototype, BALLAST_ERROR_BRAND, { value: true, enumerable: false });

/**
 * Whether `value` is a Ballast error, by brand rather than `instanceof`, so errors
 * from another installed copy of `@ballast/errors` (or another bundle) still count.
 */
export function isBallastError(value: unknown): value is BallastError {
  return hasBrand(value);
}
