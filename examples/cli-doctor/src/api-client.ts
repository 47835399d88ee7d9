import {
  AuthenticationError,
  errorFromHttpResponse,
  isBallastError,
  NotFoundError,
  RateLimitedError,
  UnavailableError,
} from '@ballast/errors';
import { exponentialBackoff, isRetryable, pipeline, retry, timeout } from '@ballast/resilience';

/** Reads JSON from the course-management API; every failure is a Ballast error a person can act on. */
export interface ApiClient {
  readonly baseUrl: string;
  get<T>(path: string, signal?: AbortSignal): Promise<T>;
}

const DOCTOR = 'Run `courses doctor` to see what is wrong.';

/**
 * A small client for the course-management API: a 5 s timeout per attempt and up to
 * three attempts for transient failures (not for 429: a CLI should tell the person to
 * wait rather than sit silently for the `Retry-After`).
 */
export function createApiClient(options: { baseUrl: string; token: string | undefined }): ApiClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const policy = pipeline(
    retry({
      maxAttempts: 3,
      backoff: exponentialBackoff({ initial: 50, max: 500 }),
      shouldRetry: (error) => !RateLimitedError.is(error) && isRetryable(error),
    }),
    timeout('5s'),
  );
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;

  const attempt = async <T>(path: string, signal: AbortSignal): Promise<T> => {
    const url = `${baseUrl}${path}`;
    let res: Response;
    try {
      res = await fetch(url, { headers, signal });
    } catch (error) {
      if (signal.aborted) throw error;
      throw new UnavailableError(`The courses API at ${baseUrl} could not be reached`, {
        cause: error,
        suggestions: ['Check your network connection and COURSES_API_URL.', DOCTOR],
      });
    }
    const body: unknown = (res.headers.get('content-type') ?? '').includes('json')
      ? await res.json()
      : await res.text();
    if (res.ok) return body as T;
    const error = errorFromHttpResponse(res.status, res.headers, body, { method: 'GET', url });
    if (res.status === 401) {
      throw new AuthenticationError('The courses API refused the token', {
        cause: error,
        suggestions: ['Set COURSES_API_TOKEN to a valid API token (Settings → API tokens).', DOCTOR],
      });
    }
    throw error;
  };

  return {
    baseUrl,
    get: (path, signal) => policy.execute(({ signal: inner }) => attempt(path, inner), signal),
  };
}

/** Turns a 404 from the API into a sentence about the thing that was asked for. */
export function notFoundAs(what: string) {
  return (error: unknown): never => {
    if (isBallastError(error) && NotFoundError.is(error)) {
      throw new NotFoundError(`${what} does not exist`, {
        cause: error,
        userMessage: `${what} was not found.`,
        suggestions: ['Run `courses list` to see the courses you can open.'],
      });
    }
    throw error;
  };
}
