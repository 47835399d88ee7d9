import { BallastError, type ErrorDetails, isBallastError } from './ballast-error.js';
import { CATEGORIES, type ErrorCategory } from './categories.js';
import { registerCode } from './define-error.js';

/** Options for the built-in errors: everything but code and category. */
export interface BuiltinErrorOptions<D extends ErrorDetails = ErrorDetails> {
  /** The error this one wraps. */
  cause?: unknown;
  /** Structured, JSON-safe facts (ids, limits, field names); never secrets. @defaultValue `{}` */
  details?: D;
  /** A sentence safe to show an end user. @defaultValue the category's user message */
  userMessage?: string;
  /** What the reader can do about it, most useful first. @defaultValue `[]` */
  suggestions?: readonly string[];
  /** A link to documentation about this error. */
  docsUrl?: string;
  /** How long to wait before retrying, in ms, when the failure said so. */
  retryAfterMs?: number;
  /** An HTTP error status, from 400 to 599. @defaultValue the category's status */
  status?: number;
  /** Whether trying again may succeed. @defaultValue the category's retryability */
  retryable?: boolean;
}

/** A built-in error class: `new NotFoundError('User 42 does not exist', { details: { id: 42 } })`. */
export interface BuiltinErrorClass {
  /** Creates the error; the message defaults to a sentence naming the category. */
  new <D extends ErrorDetails = ErrorDetails>(
    message?: string,
    options?: BuiltinErrorOptions<D>,
  ): BallastError<D>;
  /** The code every instance carries (`'NOT_FOUND'`). */
  readonly code: string;
  /** The category every instance carries. */
  readonly category: ErrorCategory;
  /** Whether `value` is a Ballast error of this class's category, from any installed copy. */
  is(value: unknown): value is BallastError;
}

function builtin(
  name: string,
  code: string,
  category: ErrorCategory,
  defaultMessage: string,
  description: string,
): BuiltinErrorClass {
  registerCode({
    code,
    name,
    category,
    status: CATEGORIES[category].status,
    retryable: CATEGORIES[category].retryable,
    description,
    suggestions: [],
    docsUrl: undefined,
  });
  const Builtin = class extends BallastError {
    static readonly code = code;
    static readonly category = category;

    static is(value: unknown): value is BallastError {
      return isBallastError(value) && value.category === category;
    }

    constructor(message: string = defaultMessage, options: BuiltinErrorOptions = {}) {
      super(message, { ...options, code, category });
      this.name = name;
    }
  };
  Object.defineProperty(Builtin, 'name', { value: name });
  return Builtin as unknown as BuiltinErrorClass;
}

/** The input is invalid (400). Not retryable; put the offending fields in `details`. */
export const ValidationError = builtin(
  'ValidationError',
  'VALIDATION_FAILED',
  'validation',
  'The input is not valid',
  'The input did not pass validation; the details name the fields and what is allowed.',
);
/** The caller is not authenticated (401). */
export const AuthenticationError = builtin(
  'AuthenticationError',
  'AUTHENTICATION_REQUIRED',
  'authentication',
  'Authentication is required',
  'The caller has no valid credentials.',
);
/** The caller may not do this (403). */
export const AuthorizationError = builtin(
  'AuthorizationError',
  'PERMISSION_DENIED',
  'authorization',
  'Permission denied',
  'The caller is authenticated but lacks permission for this action.',
);
/** The thing asked for does not exist (404). */
export const NotFoundError = builtin(
  'NotFoundError',
  'NOT_FOUND',
  'not_found',
  'Not found',
  'The requested resource does not exist.',
);
/** The request conflicts with the current state (409), e.g. a version mismatch. */
export const ConflictError = builtin(
  'ConflictError',
  'CONFLICT',
  'conflict',
  'The request conflicts with the current state',
  'The request conflicts with the current state of the resource (duplicate, stale version).',
);
/** Too many requests (429); `retryAfterMs` says when to try again. Retryable. */
export const RateLimitedError = builtin(
  'RateLimitedError',
  'RATE_LIMITED',
  'rate_limited',
  'Rate limit exceeded',
  'A rate limit was exceeded; retry after the time in retryAfterMs.',
);
/** The operation was cancelled, usually by an `AbortSignal` (499). Not retryable. */
export const CancelledError = builtin(
  'CancelledError',
  'CANCELLED',
  'cancelled',
  'The operation was cancelled',
  'The operation was cancelled by its caller (an aborted signal).',
);
/** A dependency took too long (504). Retryable. */
export const TimeoutError = builtin(
  'TimeoutError',
  'TIMEOUT',
  'timeout',
  'The operation timed out',
  'An operation did not finish within its time limit.',
);
/** A dependency could not be reached over the network (502). Retryable. */
export const NetworkError = builtin(
  'NetworkError',
  'NETWORK_ERROR',
  'network',
  'A network error occurred',
  'A dependency could not be reached: connection refused, reset, DNS failure.',
);
/** A dependency or this service is temporarily unavailable (503). Retryable. */
export const UnavailableError = builtin(
  'UnavailableError',
  'UNAVAILABLE',
  'unavailable',
  'The service is unavailable',
  'A dependency or the service itself is temporarily unavailable.',
);
/** A bad option or setting (500); thrown at construction, naming the option, value and what is allowed. */
export const ConfigurationError = builtin(
  'ConfigurationError',
  'INVALID_CONFIGURATION',
  'configuration',
  'Invalid configuration',
  'An option or setting is invalid; the message names the option, the value and what is allowed.',
);
/** A bug or unexpected failure (500). Never show its message to end users. */
export const InternalError = builtin(
  'InternalError',
  'INTERNAL_ERROR',
  'internal',
  'An internal error occurred',
  'An unexpected failure, usually a bug; the cause holds the original error.',
);

const BY_CATEGORY: Readonly<Record<ErrorCategory, BuiltinErrorClass>> = Object.freeze({
  validation: ValidationError,
  authentication: AuthenticationError,
  authorization: AuthorizationError,
  not_found: NotFoundError,
  conflict: ConflictError,
  rate_limited: RateLimitedError,
  cancelled: CancelledError,
  internal: InternalError,
  configuration: ConfigurationError,
  network: NetworkError,
  unavailable: UnavailableError,
  timeout: TimeoutError,
});

/** The built-in error class of a category (`'not_found'` → `NotFoundError`). */
export function builtinFor(category: ErrorCategory): BuiltinErrorClass {
  return BY_CATEGORY[category];
}
