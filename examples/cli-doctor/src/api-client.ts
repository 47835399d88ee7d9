import type { Clock } from '@ballast/core';
import {
  AuthenticationError,
  CATEGORIES,
  errorFromHttpResponse,
  isBallastError,
  NotFoundError,
  normalizeError,
  UnavailableError,
} from '@ballast/errors';
import type { Logger } from '@ballast/logger';
import {
  adaptiveLimiter,
  type CircuitBreaker,
  circuitBreaker,
  consecutiveFailures,
  exponentialBackoff,
  isBrokenCircuitError,
  pipeline,
  retry,
  timeout,
} from '@ballast/resilience';
import { type HttpResponse, headerOf, httpGet, type Transport } from './http.js';

/** Reads JSON from the course-management API; every failure is a Ballast error a person can act on. */
export interface ApiClient {
  readonly baseUrl: string;
  /** The breaker in front of the API (open: calls fail at once). */
  readonly breaker: CircuitBreaker;
  get<T>(path: string, signal?: AbortSignal): Promise<T>;
}

/** Options of {@link createApiClient}. */
export interface ApiClientOptions {
  baseUrl: string;
  token: string | undefined;
  log: Logger;
  /** @defaultValue `systemClock` */
  clock?: Clock;
  /** @defaultValue {@link httpGet} */
  transport?: Transport;
}

const DOCTOR = 'Run `courses doctor` to see what is wrong.';
/** The longest `Retry-After` the CLI waits out; a longer one is reported at once. */
const MAX_RETRY_AFTER = '10s';

/**
 * A client for the course-management API, every call through one pipeline:
 *
 * - **retry**: up to 4 attempts for transient failures (network, 502/503/504, 429) with
 *   exponential backoff, waiting at least the server's `Retry-After` when it is 10 s or
 *   less; a longer one is reported at once ("Wait 30s before trying again");
 * - **circuit breaker**: after 3 failures in a row the API is left alone for 30 s, so the
 *   rest of a command fails (or is served from the cache) at once instead of retrying;
 * - **adaptive limiter**: 4 calls in flight to start, growing to 8 while calls succeed,
 *   halved on a 429 or 503; it reads `RateLimit-Remaining`/`-Reset` (or `X-RateLimit-*`)
 *   on every answer and holds calls until the window resets once the quota is used up,
 *   so the CLI waits instead of collecting 429s;
 * - **timeout**: 5 s per attempt.
 *
 * Every attempt is logged at debug (request headers included: the token is redacted),
 * every retry, breaker transition and limiter pause at info or warn.
 */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const { log } = options;
  const transport = options.transport ?? httpGet;
  const clock = options.clock === undefined ? {} : { clock: options.clock };
  const retries = retry({
    maxAttempts: 4,
    backoff: exponentialBackoff({ initial: '200ms', max: '2s' }),
    respectRetryAfter: { max: MAX_RETRY_AFTER },
    ...clock,
  });
  const breaker = circuitBreaker({
    name: 'courses-api',
    strategy: consecutiveFailures(3),
    halfOpenAfter: '30s',
    isFailure: isOutage,
    ...clock,
  });
  const limiter = adaptiveLimiter({ name: 'courses-api', min: 1, initial: 4, max: 8, ...clock });
  const policy = pipeline(retries, breaker, limiter, timeout('5s', clock));

  retries.on('retry', ({ attempt, delayMs, error }) => {
    const { status, message } = normalizeError(error);
    log.warn({ attempt, delay_ms: Math.round(delayMs), status, reason: message }, 'retrying the courses API');
  });
  breaker.on('stateChange', ({ from, to }) => log.warn({ from, to }, `courses API breaker ${from} → ${to}`));
  limiter.on('pause', ({ ms, reason }) =>
    log.info({ ms: Math.round(ms), reason }, `holding calls to the courses API for ${Math.ceil(ms / 1000)}s`),
  );
  limiter.on('limit', ({ limit, reason }) => log.debug({ limit, reason }, 'courses API concurrency changed'));

  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const now = () => (options.clock ?? Date).now();
  /** The last failure that counted against the breaker. */
  let lastOutage: unknown;
  breaker.on('failure', ({ error, counted }) => {
    if (counted) lastOutage = error;
  });

  const attempt = async <T>(path: string, signal: AbortSignal, number: number): Promise<T> => {
    const url = `${baseUrl}${path}`;
    const started = now();
    let res: HttpResponse;
    try {
      res = await transport(url, { headers, signal });
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      log.warn(
        { req: { method: 'GET', url }, attempt: number, err: error },
        'the courses API could not be reached',
      );
      throw new UnavailableError(`The courses API at ${baseUrl} could not be reached`, {
        cause: error,
        userMessage: 'The courses API could not be reached.',
        suggestions: ['Check your network connection and COURSES_API_URL.', DOCTOR],
      });
    }
    limiter.observeHeaders(res.headers);
    log.debug(
      {
        req: { method: 'GET', url, headers },
        res: {
          status: res.status,
          remaining:
            headerOf(res.headers, 'ratelimit-remaining') ?? headerOf(res.headers, 'x-ratelimit-remaining'),
        },
        attempt: number,
        duration_ms: now() - started,
      },
      `GET ${path} ${res.status}`,
    );
    const body = parseBody(res);
    if (res.status >= 200 && res.status < 300) return body as T;
    throw userFacing(
      errorFromHttpResponse(res.status, res.headers, body, { method: 'GET', url, ...clock }),
      res,
    );
  };

  return {
    baseUrl,
    breaker,
    async get<T>(path: string, signal?: AbortSignal): Promise<T> {
      try {
        return await policy.execute(({ signal: inner, attempt: n }) => attempt<T>(path, inner, n), signal);
      } catch (error) {
        if (isBrokenCircuitError(error)) {
          // Say why the breaker opened: the last failure, in the words it had for the person.
          const why = isBallastError(lastOutage) ? lastOutage : undefined;
          throw new UnavailableError(
            `${why?.message ?? 'The courses API failed'}, 3 times in a row: the breaker stops calls for 30 s`,
            {
              cause: why ?? error,
              userMessage: why?.userMessage ?? 'The courses API is unavailable right now.',
              suggestions: why?.suggestions ?? ['Try again in a few minutes.', DOCTOR],
            },
          );
        }
        if (!NotFoundError.is(error)) log.error({ err: error, path }, `GET ${path} failed`);
        throw error;
      }
    },
  };
}

/**
 * What trips the breaker: server errors, timeouts and unreachable hosts. Not a 429 (the
 * API is up and says when to come back: the limiter and the retry wait for it), not a
 * 4xx about the request, not a cancellation.
 */
function isOutage(error: unknown): boolean {
  const { category } = normalizeError(error);
  return category !== 'rate_limited' && category !== 'cancelled' && CATEGORIES[category]?.clientSide !== true;
}

/** The body as JSON when it says it is JSON and parses, else as text. */
function parseBody(res: HttpResponse): unknown {
  if (!(headerOf(res.headers, 'content-type') ?? '').includes('json')) return res.body;
  try {
    return JSON.parse(res.body) as unknown;
  } catch {
    return res.body;
  }
}

/** Adds what a person of this CLI should do to the API's own errors. */
function userFacing(error: ReturnType<typeof errorFromHttpResponse>, res: HttpResponse): Error {
  if (res.status === 401) {
    const expired = /expired/i.test(headerOf(res.headers, 'www-authenticate') ?? '');
    return new AuthenticationError(expired ? 'The API token expired' : 'The courses API refused the token', {
      cause: error,
      userMessage: expired ? 'Your API token has expired.' : 'The courses API refused your API token.',
      suggestions: ['Create a new token under Settings → API tokens and export COURSES_API_TOKEN.', DOCTOR],
    });
  }
  if (res.status === 503) {
    return new UnavailableError('The courses API answered 503 Service Unavailable', {
      cause: error,
      userMessage: 'The courses API is unavailable right now.',
      suggestions: [
        'Try again in a few minutes; data you opened in the last day is still shown from the cache.',
        DOCTOR,
      ],
    });
  }
  return error;
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
