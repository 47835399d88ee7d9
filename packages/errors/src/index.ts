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
export { durationOption, integerOption, invalidOption, numberOption } from './options.js';
