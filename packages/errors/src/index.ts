export {
  BALLAST_ERROR_BRAND,
  BallastError,
  type BallastErrorOptions,
  type ErrorDetails,
  isBallastError,
  isValidErrorCode,
} from './ballast-error.js';
export {
  AuthenticationError,
  AuthorizationError,
  type BuiltinErrorClass,
  type BuiltinErrorOptions,
  builtinFor,
  CancelledError,
  ConfigurationError,
  ConflictError,
  InternalError,
  NetworkError,
  NotFoundError,
  RateLimitedError,
  TimeoutError,
  UnavailableError,
  ValidationError,
} from './builtins.js';
export { CATEGORIES, type CategoryDefaults, type ErrorCategory, isErrorCategory } from './categories.js';
export {
  type DefinedErrorArgs,
  type DefinedErrorClass,
  type DefinedErrorOptions,
  defineError,
  type ErrorSpec,
  type RegisteredError,
  registeredErrors,
} from './define-error.js';
export { fingerprintError, normalizeMessage } from './fingerprint.js';
export {
  errorFromHttpResponse,
  type HeadersLike,
  type HttpResponseErrorOptions,
  parseRetryAfter,
} from './http-response.js';
export { normalizeError } from './normalize-error.js';
export {
  durationOption,
  integerOption,
  invalidOption,
  numberOption,
  rejectUnknownKeys,
  sizeOption,
} from './options.js';
export { type ProblemDetails, type ProblemDetailsOptions, toProblemDetails } from './problem-details.js';
export { createErrorReporter } from './reporter.js';
export type {
  ErrorReport,
  ErrorReporter,
  ErrorReporterOptions,
  ErrorReporterStats,
  ReportOptions,
  Severity,
} from './reporter-types.js';
export {
  type Redaction,
  type Redactor,
  type SerializedError,
  type SerializeErrorOptions,
  serializeError,
} from './serialize-error.js';
export { toUserMessage, type UserMessageOptions } from './user-message.js';
