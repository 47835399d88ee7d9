import { BallastError, type ErrorDetails, isBallastError, isValidErrorCode } from './ballast-error.js';
import { CATEGORIES, type ErrorCategory, isErrorCategory } from './categories.js';
import { show } from './internal/show.js';
import { isErrorStatus } from './internal/status.js';

/** How {@link defineError} describes one error code. */
export interface ErrorSpec<D extends ErrorDetails> {
  /**
   * The class name, which is also every instance's `err.name`: give the name you export
   * the class under, so logs and the catalogue name what users can import.
   * @defaultValue the code in PascalCase ending in `Error` (`USER_NOT_FOUND` → `UserNotFoundError`)
   */
  name?: string;
  /** The kind of failure; it sets the defaults of `status`, `retryable` and the user message. */
  category: ErrorCategory;
  /** An HTTP error status, from 400 to 599. @defaultValue the category's status */
  status?: number;
  /** Whether trying again may succeed. @defaultValue the category's retryability */
  retryable?: boolean;
  /** The developer-facing message, built from the details. */
  message: (details: D) => string;
  /** The end-user sentence, built from the details. @defaultValue the category's user message */
  userMessage?: (details: D) => string;
  /** What to try, most useful first. */
  suggestions?: readonly string[] | ((details: D) => readonly string[]);
  /** A link to documentation about this error. */
  docsUrl?: string;
  /** One sentence for the generated error catalogue (`docs/errors.md`): what it means. */
  description?: string;
}

/** Per-throw extras for a defined error. */
export interface DefinedErrorOptions {
  /** The error this one wraps. */
  cause?: unknown;
  /** Overrides the spec's message for this throw. */
  message?: string;
  /** Overrides the spec's end-user sentence for this throw. */
  userMessage?: string;
  /** Overrides the spec's suggestions for this throw. */
  suggestions?: readonly string[];
  /** How long to wait before retrying, in ms, when the failure said so (e.g. `Retry-After`). */
  retryAfterMs?: number;
}

/** A catalogue entry: one registered code and what it means. */
export interface RegisteredError {
  /** The registered SCREAMING_SNAKE code. */
  readonly code: string;
  /** The class name, as `err.name` shows it. */
  readonly name: string;
  /** The kind of failure. */
  readonly category: ErrorCategory;
  /** The HTTP status it answers with. */
  readonly status: number;
  /** Whether trying again may succeed. */
  readonly retryable: boolean;
  /** One sentence for the error catalogue, when the spec gave one. */
  readonly description: string | undefined;
  /** What to try, when the suggestions do not depend on the details. */
  readonly suggestions: readonly string[];
  /** A link to documentation about this error, when it has one. */
  readonly docsUrl: string | undefined;
}

/** Constructor arguments: details are optional when the details type has no required keys. */
export type DefinedErrorArgs<D extends ErrorDetails> =
  Record<never, never> extends D
    ? [details?: D, options?: DefinedErrorOptions]
    : [details: D, options?: DefinedErrorOptions];

/** The class {@link defineError} returns. */
export interface DefinedErrorClass<D extends ErrorDetails> {
  /** Creates the error from its details (optional when no detail is required) and per-throw extras. */
  new (...args: DefinedErrorArgs<D>): BallastError<D>;
  /** The registered code. */
  readonly code: string;
  /** Whether `value` is an error with this code, from any installed copy. */
  is(value: unknown): value is BallastError<D>;
  /** The prototype of every instance (for `instanceof` within one installed copy). */
  readonly prototype: BallastError<D>;
}

const registry = new Map<string, RegisteredError>();

function className(code: string): string {
  const words = code.toLowerCase().split('_');
  const pascal = words.map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join('');
  return pascal.endsWith('Error') ? pascal : `${pascal}Error`;
}

/** @internal registers a code for the catalogue; throws on a duplicate. */
export function registerCode(entry: RegisteredError): void {
  if (registry.has(entry.code)) {
    throw new TypeError(
      `Error code "${entry.code}" is already defined. Codes must be unique: choose another code or reuse the existing class.`,
    );
  }
  registry.set(entry.code, Object.freeze(entry));
}

/** Every registered error code, sorted by code: the source of `docs/errors.md`. */
export function registeredErrors(): RegisteredError[] {
  return [...registry.values()].sort((a, b) => a.code.localeCompare(b.code));
}

/** Checks the rest of a spec at definition, so a mistake fails at startup rather than at the throw. */
function checkSpec(code: string, spec: ErrorSpec<never>): void {
  const invalid = (field: string, value: unknown, expected: string) =>
    new TypeError(`Invalid ${field} ${show(value)} for ${code}: use ${expected}.`);
  if (spec.status !== undefined && !isErrorStatus(spec.status)) {
    throw invalid('status', spec.status, 'an HTTP error status, a whole number from 400 to 599');
  }
  if (spec.retryable !== undefined && typeof spec.retryable !== 'boolean') {
    throw invalid('retryable', spec.retryable, 'true or false');
  }
  if (typeof spec.message !== 'function') {
    throw invalid('message', spec.message, 'a function (details) => string');
  }
  if (spec.userMessage !== undefined && typeof spec.userMessage !== 'function') {
    throw invalid('userMessage', spec.userMessage, 'a function (details) => string');
  }
  const { suggestions } = spec;
  if (suggestions !== undefined && typeof suggestions !== 'function' && !Array.isArray(suggestions)) {
    throw invalid('suggestions', suggestions, 'an array of strings or a function (details) => string[]');
  }
  if (spec.docsUrl !== undefined && typeof spec.docsUrl !== 'string') {
    throw invalid('docsUrl', spec.docsUrl, 'a URL string');
  }
}

/**
 * Defines a typed error class for one stable code. The message, user message and
 * suggestions are built from typed `details`; the code is registered for the
 * error catalogue.
 *
 * @example
 * const UserNotFound = defineError('USER_NOT_FOUND', {
 *   category: 'not_found',
 *   message: (d: { id: string }) => `User ${d.id} does not exist`,
 *   suggestions: ['Check the user id'],
 * });
 * throw new UserNotFound({ id: '42' });
 *
 * @throws TypeError when the code is not SCREAMING_SNAKE or is already defined, the category
 * is unknown, `name` is not PascalCase, `status` is not from 400 to 599, `retryable` is not a
 * boolean, `message` or `userMessage` is not a function, or `suggestions` is neither an array
 * nor a function: at definition, not when the error is thrown.
 */
export function defineError<D extends ErrorDetails = ErrorDetails>(
  code: string,
  spec: ErrorSpec<D>,
): DefinedErrorClass<D> {
  if (!isValidErrorCode(code)) {
    throw new TypeError(
      `Invalid error code ${JSON.stringify(code)}: use SCREAMING_SNAKE_CASE, e.g. 'USER_NOT_FOUND'.`,
    );
  }
  if (!isErrorCategory(spec.category)) {
    throw new TypeError(
      `Invalid category ${JSON.stringify(spec.category)} for ${code}: use one of ${Object.keys(CATEGORIES).join(', ')}.`,
    );
  }
  if (spec.name !== undefined && (typeof spec.name !== 'string' || !/^[A-Z][A-Za-z0-9]*$/.test(spec.name))) {
    throw new TypeError(
      `Invalid error class name ${JSON.stringify(spec.name)} for ${code}: use PascalCase, e.g. 'UserNotFoundError'.`,
    );
  }
  checkSpec(code, spec);
  const name = spec.name ?? className(code);
  const staticSuggestions = typeof spec.suggestions === 'function' ? [] : (spec.suggestions ?? []);
  registerCode({
    code,
    name,
    category: spec.category,
    status: spec.status ?? CATEGORIES[spec.category].status,
    retryable: spec.retryable ?? CATEGORIES[spec.category].retryable,
    description: spec.description,
    suggestions: staticSuggestions,
    docsUrl: spec.docsUrl,
  });

  class Defined extends BallastError<D> {
    static readonly code = code;

    static is(value: unknown): value is BallastError<D> {
      return isBallastError(value) && value.code === code;
    }

    constructor(...args: DefinedErrorArgs<D>) {
      const details = (args[0] ?? {}) as D;
      const options = args[1] ?? {};
      const suggestions =
        options.suggestions ??
        (typeof spec.suggestions === 'function' ? spec.suggestions(details) : spec.suggestions);
      super(options.message ?? spec.message(details), {
        code,
        category: spec.category,
        ...(spec.status === undefined ? {} : { status: spec.status }),
        ...(spec.retryable === undefined ? {} : { retryable: spec.retryable }),
        ...(options.userMessage !== undefined
          ? { userMessage: options.userMessage }
          : spec.userMessage
            ? { userMessage: spec.userMessage(details) }
            : {}),
        ...(suggestions === undefined ? {} : { suggestions }),
        details,
        ...(spec.docsUrl === undefined ? {} : { docsUrl: spec.docsUrl }),
        ...(options.retryAfterMs === undefined ? {} : { retryAfterMs: options.retryAfterMs }),
        ...(options.cause === undefined ? {} : { cause: options.cause }),
      });
      this.name = name;
    }
  }
  Object.defineProperty(Defined, 'name', { value: name });
  return Defined as unknown as DefinedErrorClass<D>;
}
