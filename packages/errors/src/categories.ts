/**
 * What kind of failure an error is. The category decides the default HTTP status,
 * whether a retry can help, and whether a circuit breaker counts it.
 */
export type ErrorCategory =
  | 'validation'
  | 'authentication'
  | 'authorization'
  | 'not_found'
  | 'conflict'
  | 'rate_limited'
  | 'cancelled'
  | 'internal'
  | 'configuration'
  | 'network'
  | 'unavailable'
  | 'timeout';

/** The defaults each category brings. */
export interface CategoryDefaults {
  /** The HTTP status errors of this category answer with. */
  readonly status: number;
  /** Whether errors of this category are worth retrying. */
  readonly retryable: boolean;
  /** Whether the caller (not the dependency) is at fault: such errors must not trip breakers. */
  readonly clientSide: boolean;
  /** A safe sentence for end users when nothing more specific is known. */
  readonly userMessage: string;
  /** The RFC 9457 `title` for this category. */
  readonly title: string;
  /**
   * What a person can try, for `toUserMessage` to print when an error brings no
   * suggestions of its own (and no `retryAfterMs` wait); empty where nothing helps.
   */
  readonly suggestions: readonly string[];
}

/** The defaults of every category (status, retryable, client-side, user message, title, suggestions). */
export const CATEGORIES: Readonly<Record<ErrorCategory, CategoryDefaults>> = Object.freeze({
  validation: {
    status: 400,
    retryable: false,
    clientSide: true,
    userMessage: 'The request is not valid.',
    title: 'Bad Request',
    suggestions: ['Check the input against what is allowed, correct it and try again.'],
  },
  authentication: {
    status: 401,
    retryable: false,
    clientSide: true,
    userMessage: 'You need to sign in to do this.',
    title: 'Unauthorized',
    suggestions: [
      'Sign in again, or check that your credentials (token, API key) are valid and not expired.',
    ],
  },
  authorization: {
    status: 403,
    retryable: false,
    clientSide: true,
    userMessage: 'You do not have permission to do this.',
    title: 'Forbidden',
    suggestions: ['Check that you are using the right account, or ask an administrator for access.'],
  },
  not_found: {
    status: 404,
    retryable: false,
    clientSide: true,
    userMessage: 'What you asked for was not found.',
    title: 'Not Found',
    suggestions: ['Check the name or id; what you asked for may have been deleted or moved.'],
  },
  conflict: {
    status: 409,
    retryable: false,
    clientSide: true,
    userMessage: 'The request conflicts with the current state.',
    title: 'Conflict',
    suggestions: ['Reload the current state, then try again.'],
  },
  rate_limited: {
    status: 429,
    retryable: true,
    clientSide: false,
    userMessage: 'Too many requests; please wait a moment and try again.',
    title: 'Too Many Requests',
    suggestions: ['Wait a moment before trying again.'],
  },
  cancelled: {
    status: 499,
    retryable: false,
    clientSide: false,
    userMessage: 'The operation was cancelled.',
    title: 'Client Closed Request',
    suggestions: [],
  },
  internal: {
    status: 500,
    retryable: false,
    clientSide: false,
    userMessage: 'Something went wrong on our side.',
    title: 'Internal Server Error',
    suggestions: ['If this keeps happening, report it with the time and what you were doing.'],
  },
  configuration: {
    status: 500,
    retryable: false,
    clientSide: false,
    userMessage: 'The service is misconfigured.',
    title: 'Internal Server Error',
    suggestions: ['Check the configuration (options, environment variables) against the documentation.'],
  },
  network: {
    status: 502,
    retryable: true,
    clientSide: false,
    userMessage: 'A service we depend on could not be reached; please try again.',
    title: 'Bad Gateway',
    suggestions: [
      'Check the network connection and that the service is running and reachable.',
      'Retry in a moment; the failure may be transient.',
    ],
  },
  unavailable: {
    status: 503,
    retryable: true,
    clientSide: false,
    userMessage: 'The service is temporarily unavailable; please try again shortly.',
    title: 'Service Unavailable',
    suggestions: ['Retry in a moment; the service may be restarting or overloaded.'],
  },
  timeout: {
    status: 504,
    retryable: true,
    clientSide: false,
    userMessage: 'The operation took too long; please try again.',
    title: 'Gateway Timeout',
    suggestions: [
      'Retry in a moment; if it keeps timing out, check the load on the service or raise the time limit.',
    ],
  },
});

/** Whether `value` names a known {@link ErrorCategory}. */
export function isErrorCategory(value: unknown): value is ErrorCategory {
  return typeof value === 'string' && Object.hasOwn(CATEGORIES, value);
}
